import type { DeployOutcome } from '@app/catalog';
import { DeployOutcomeCursor } from './deploy-outcomes';

const NOW = Date.parse('2026-11-30T10:00:00Z');

/** The deploy history as the store answers it: by id, after a floor (or the newest `limit`). */
function history() {
  const rows: DeployOutcome[] = [];
  const reads: Array<number | undefined> = [];
  const read = jest.fn(async (after: number | undefined, limit: number) => {
    reads.push(after);
    const byId = [...rows].sort((a, b) => a.id - b.id).map((r) => ({ ...r }));
    return after === undefined ? byId.slice(-limit) : byId.filter((r) => r.id > after).slice(0, limit);
  });
  const add = (id: number, service: string, status: string, at: string, action = 'deploy') => {
    const row = { id, service, action, status, at };
    rows.push(row);
    return row;
  };
  return { rows, reads, read, add };
}

const latest = (c: DeployOutcomeCursor) => Object.fromEntries([...c.latest].map(([s, d]) => [s, `${d.id} ${d.status}`]));

describe('DeployOutcomeCursor', () => {
  it('takes two records that finished in the same millisecond, each once, and the later id as the latest', async () => {
    const h = history();
    const c = new DeployOutcomeCursor(h.read);
    await c.advance(NOW);
    h.add(1, 'web', 'failed', '2026-11-30T10:00:00.000Z');
    h.add(2, 'web', 'succeeded', '2026-11-30T10:00:00.000Z');
    h.add(3, 'api', 'failed', '2026-11-30T10:00:00.000Z');
    await c.advance(NOW);
    expect(latest(c)).toEqual({ web: '2 succeeded', api: '3 failed' });
    // read again: nothing new, the floor moved past them
    await c.advance(NOW);
    expect(h.reads.at(-1)).toBe(3);
    expect(latest(c)).toEqual({ web: '2 succeeded', api: '3 failed' });
  });

  it('does not lose a record that was in progress when read while a later one finished, nor take the later one twice', async () => {
    const h = history();
    const c = new DeployOutcomeCursor(h.read);
    const slow = h.add(1, 'web', 'in_progress', '2026-11-30T09:59:00Z');
    h.add(2, 'api', 'failed', '2026-11-30T09:59:30Z');
    await c.advance(NOW);
    expect(latest(c)).toEqual({ api: '2 failed' });
    // the slow deploy holds the floor: id 2 is read again but not taken again
    await c.advance(NOW);
    expect(h.reads.at(-1)).toBe(0);
    Object.assign(slow, { status: 'failed', at: '2026-11-30T10:00:01Z' });
    await c.advance(NOW);
    expect(latest(c)).toEqual({ api: '2 failed', web: '1 failed' });
    await c.advance(NOW);
    expect(h.reads.at(-1)).toBe(2);
  });

  it('keeps the newer outcome of a service when an older one is read late', async () => {
    const h = history();
    const c = new DeployOutcomeCursor(h.read);
    await c.advance(NOW);
    const first = h.add(1, 'web', 'in_progress', '2026-11-30T09:59:00Z');
    h.add(2, 'web', 'succeeded', '2026-11-30T09:59:40Z', 'rollback');
    await c.advance(NOW);
    // the first finishes later than the rollback: it is the newer outcome
    Object.assign(first, { status: 'failed', at: '2026-11-30T09:59:50Z' });
    await c.advance(NOW);
    expect(latest(c)).toEqual({ web: '1 failed' });
    // one that finished earlier than what is held does not replace it
    h.add(3, 'web', 'succeeded', '2026-11-30T09:59:45Z');
    await c.advance(NOW);
    expect(latest(c)).toEqual({ web: '1 failed' });
  });

  it('stops waiting for a deploy left in progress for an hour, and ignores interrupted ones', async () => {
    const h = history();
    const c = new DeployOutcomeCursor(h.read);
    h.add(1, 'web', 'in_progress', '2026-11-30T08:00:00Z');
    h.add(2, 'api', 'interrupted', '2026-11-30T09:00:00Z');
    await c.advance(NOW);
    await c.advance(NOW);
    expect(h.reads.at(-1)).toBe(2);
    expect(latest(c)).toEqual({});
  });

  it('starts from the newest page of the history and reads every later page', async () => {
    const h = history();
    for (let i = 1; i <= 600; i++) h.add(i, `s${i}`, 'succeeded', new Date(NOW - (600 - i) * 1000).toISOString());
    const c = new DeployOutcomeCursor(h.read);
    await c.advance(NOW);
    expect(c.latest.size).toBe(500);
    expect(c.latest.has('s100')).toBe(false);
    for (let i = 601; i <= 1700; i++) h.add(i, `s${i}`, 'failed', new Date(NOW).toISOString());
    await c.advance(NOW);
    expect(c.latest.size).toBe(1600);
    expect(c.latest.get('s1700')?.status).toBe('failed');
  });
});
