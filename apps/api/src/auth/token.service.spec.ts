import type { ApiTokenRecord, ApiTokenStore } from '@app/catalog';
import type { AppConfig } from '../config/app-config';
import type { AccessEnd } from './principal';
import { ACCESS_RECHECK_MS, TokenService } from './token.service';

const record = (over: Partial<ApiTokenRecord> = {}): ApiTokenRecord =>
  ({ id: 't1', name: 'agent', role: 'operator', hash: 'h', createdAt: '2026-01-01T00:00:00.000Z', ...over }) as ApiTokenRecord;

function service(records: ApiTokenRecord[]) {
  const store = {
    list: jest.fn(async () => records),
    revoke: jest.fn(async (id: string) => {
      const r = records.find((x) => x.id === id)!;
      r.revokedAt = new Date().toISOString();
      return r;
    }),
  };
  const loud = new Proxy(store, {
    get: (target, key) => {
      if (key in target) return target[key as keyof typeof target];
      throw new Error(`ApiTokenStore.${String(key)} is not stubbed`);
    },
  }) as unknown as ApiTokenStore;
  return { tokens: new TokenService(loud, { auth: {} } as AppConfig), store };
}

describe('TokenService.watch: the end of a stream when its access ends', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-06-01T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('tells every watcher of a token at once when it is revoked here, and only once', async () => {
    const { tokens } = service([record()]);
    const ends: AccessEnd[] = [];
    tokens.watch({ name: 'agent', role: 'operator', tokenId: 't1' }, (r) => ends.push(r));
    tokens.watch({ name: 'agent', role: 'operator', tokenId: 't1' }, (r) => ends.push(r));
    await tokens.revoke('t1');
    expect(ends).toEqual(['token revoked', 'token revoked']);
    await jest.advanceTimersByTimeAsync(ACCESS_RECHECK_MS * 3);
    expect(ends).toHaveLength(2);
  });

  it('ends at the expiry, to the millisecond', async () => {
    const { tokens } = service([record({ expiresAt: '2026-06-01T12:00:07.000Z' })]);
    const ends: AccessEnd[] = [];
    tokens.watch({ name: 'agent', role: 'operator', tokenId: 't1', expiresAt: '2026-06-01T12:00:07.000Z' }, (r) => ends.push(r));
    await jest.advanceTimersByTimeAsync(6_999);
    expect(ends).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(ends).toEqual(['token expired']);
  });

  it('finds a revoke made elsewhere (another instance) on the re-check; a store error cuts nobody off', async () => {
    const records = [record()];
    const { tokens, store } = service(records);
    const ends: AccessEnd[] = [];
    tokens.watch({ name: 'agent', role: 'operator', tokenId: 't1' }, (r) => ends.push(r));
    store.list.mockRejectedValueOnce(new Error('database is locked'));
    await jest.advanceTimersByTimeAsync(ACCESS_RECHECK_MS);
    expect(ends).toEqual([]);
    records[0].revokedAt = '2026-06-01T12:00:03.000Z';
    await jest.advanceTimersByTimeAsync(ACCESS_RECHECK_MS);
    expect(ends).toEqual(['token revoked']);
  });

  it('stops re-checking when the last watcher leaves; ADMIN_TOKEN (no record) never ends', async () => {
    const { tokens, store } = service([record()]);
    const stop = tokens.watch({ name: 'agent', role: 'operator', tokenId: 't1' }, () => undefined);
    await jest.advanceTimersByTimeAsync(ACCESS_RECHECK_MS);
    expect(store.list).toHaveBeenCalledTimes(1);
    stop();
    await jest.advanceTimersByTimeAsync(ACCESS_RECHECK_MS * 5);
    expect(store.list).toHaveBeenCalledTimes(1);
    const onEnd = jest.fn();
    tokens.watch({ name: 'ADMIN_TOKEN', role: 'admin' }, onEnd)();
    await jest.advanceTimersByTimeAsync(ACCESS_RECHECK_MS * 5);
    expect(onEnd).not.toHaveBeenCalled();
    expect(store.list).toHaveBeenCalledTimes(1);
  });
});
