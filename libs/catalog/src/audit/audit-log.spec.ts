import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogDatabase } from '../database/catalog-database';
import { HealthHistory } from '../health-history/health-history';
import { AuditLog, type AuditEntry } from './audit-log';

// The two append-only tables read a page newest first, NULL columns as absent values.
describe('audit log and health history on SQLite', () => {
  let dir: string;
  let db: CatalogDatabase;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'so-audit-'));
    db = new CatalogDatabase({ dataDir: dir, definitionsDir: dir });
  });
  afterEach(async () => {
    await db.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists audit entries newest first, a page at a time, with the total and the params as written', async () => {
    const log = new AuditLog(db);
    await log.append({ at: '2026-01-01T00:00:00Z', source: 'rest', actor: 'a', role: 'admin', action: 'deploy', outcome: 'ok' });
    const full: AuditEntry = {
      at: '2026-01-01T00:00:01Z',
      source: 'mcp',
      actor: 'b',
      role: 'operator',
      action: 'scale',
      target: 'web',
      params: { replicas: 2 },
      status: 200,
      outcome: 'error',
      error: 'no',
      requestId: 'r1',
      durationMs: 5,
    };
    await log.append(full);
    const page = await log.list(1, 0);
    expect(page.total).toBe(2);
    expect(page.entries).toEqual([{ id: 2, ...full }]);
    const older = (await log.list(1, 1)).entries[0];
    expect(older).toMatchObject({ id: 1, action: 'deploy' });
    // a NULL column reads as absent, never as null
    expect(Object.values(older)).not.toContain(null);
    expect(older.target).toBeUndefined();
  });

  it('lists health events newest first, with no previous status as absent', async () => {
    const history = new HealthHistory(db);
    await history.record([
      { at: '2026-01-01T00:00:00Z', kind: 'node', subject: 'rog1', status: 'down', message: 'gone' },
      { at: '2026-01-01T00:00:05Z', kind: 'node', subject: 'rog1', status: 'ready', previous: 'down', message: 'back' },
    ]);
    const { total, events } = await history.list(10, 0);
    expect(total).toBe(2);
    expect(events.map((e) => [e.status, e.previous])).toEqual([
      ['ready', 'down'],
      ['down', undefined],
    ]);
    expect(Object.values(events[1])).not.toContain(null);
  });
});
