import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDefinition } from '@app/catalog';
import { startAppProcess } from '../fixtures/app-process';
import { removeServices } from '../fixtures/docker';
import { labImage } from '../fixtures/lab';

const PREFIX = 't-crash-';
const ROOT = join(__dirname, '../..');
jest.setTimeout(180_000);

describe('crash consistency: kill -9 in the middle of a burst of writes and deploys', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js'))) execFileSync('npx', ['nest', 'build', 'api'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'so-crash-'));
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves every file parseable, SQLite agreeing with the files, and no deploy stuck in progress', async () => {
    const env = { DATA_DIR: join(dir, 'data'), DEFINITIONS_DIR: join(dir, 'defs') };
    const first = await startAppProcess(env);
    const names = Array.from({ length: 12 }, (_, i) => `${PREFIX}${i}`);
    for (const name of names) {
      expect(
        (await first.client.POST('/api/services', { body: { name, image: labImage(), description: 'v0', deploy: { replicas: 0 } } }))
          .response.status,
      ).toBe(201);
    }
    // a burst: every service rewritten again and again, some deployed, while the process is killed
    let stop = false;
    const writers = names.map(async (name, i) => {
      for (let v = 1; !stop; v++) {
        const description = `v${v} ${'x'.repeat(2000)}`;
        await first.client
          .PUT('/api/services/{name}', {
            params: { path: { name } },
            body: { name, image: labImage(), description, deploy: { replicas: 0 } },
          })
          .catch(() => undefined);
        if (i % 3 === 0) await first.client.POST('/api/services/{name}/deploy', { params: { path: { name } } }).catch(() => undefined);
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    first.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);

    const files = readdirSync(env.DEFINITIONS_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(names.map((n) => `${n}.yaml`).sort());
    for (const f of files) expect(() => parseDefinition(readFileSync(join(env.DEFINITIONS_DIR, f), 'utf8'), f)).not.toThrow();

    const second = await startAppProcess(env);
    try {
      const listed = (await second.client.GET('/api/services')).data!;
      expect(listed.map((s) => s.name).sort()).toEqual([...names].sort());
      expect(listed.every((s) => s.status !== 'invalid')).toBe(true);

      const db = new Database(join(env.DATA_DIR, 'catalog.sqlite'), { readonly: true });
      try {
        const entries = db.prepare('select name, fileHash from catalog_entry').all() as Array<{ name: string; fileHash: string }>;
        expect(entries.map((e) => e.name).sort()).toEqual([...names].sort());
        for (const e of entries) {
          const text = readFileSync(join(env.DEFINITIONS_DIR, `${e.name}.yaml`), 'utf8');
          expect(e.fileHash).toBe(createHash('sha256').update(text).digest('hex'));
        }
        const stuck = db.prepare("select count(*) n from deploy_record where status = 'in_progress'").get() as { n: number };
        expect(stuck.n).toBe(0);
      } finally {
        db.close();
      }
    } finally {
      second.proc.kill('SIGTERM');
    }
  });
});
