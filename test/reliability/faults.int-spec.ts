import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labPid, labWebImage, restartLab } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-fault-';
jest.setTimeout(240_000);

/** Makes `dir` read-only for everyone, root included: a read-only bind mount over itself. */
function readOnly(dir: string): () => void {
  execFileSync('mount', ['--bind', dir, dir]);
  execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
  return () => execFileSync('umount', [dir]);
}

describe('faults: the API stays up, answers clearly, keeps serving the rest, and recovers', () => {
  let t: TestApp;
  const call = async (path: string, init?: Parameters<TestApp['api']>[1]) => {
    const res = await t.api(path, init);
    return { status: res.status, body: (await res.json().catch(() => ({}))) as any };
  };
  const define = (name: string) => call('/api/services', { method: 'POST', json: { name, image: labWebImage(), deploy: { replicas: 1 } } });

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
    expect((await define(`${PREFIX}keep`)).status).toBe(201);
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    await t?.close();
  });

  it('DEFINITIONS_DIR read-only: writes answer 503 saying why, reads go on, and writes work again after', async () => {
    const restore = readOnly(t.definitionsDir);
    try {
      const refused = await define(`${PREFIX}ro`);
      expect(refused.status).toBe(503);
      expect(refused.body.message).toMatch(/cannot write the definition of "t-fault-ro": .* is not writable \(EROFS\)/);
      const scaled = await call(`/api/services/${PREFIX}keep/scale`, { method: 'POST', json: { replicas: 2 } });
      expect(scaled.status).toBe(503);
      const list = await call('/api/services');
      expect(list.status).toBe(200);
      expect(list.body.map((s: any) => s.name)).toContain(`${PREFIX}keep`);
      expect((await call('/api/nodes')).status).toBe(200);
    } finally {
      restore();
    }
    expect((await define(`${PREFIX}ro`)).status).toBe(201);
  });

  it('DATA_DIR read-only: no 5xx, the catalog files keep working, and it recovers', async () => {
    // the open database keeps its file descriptors on the writable mount, so SQLite may go on; a reopen would fail: either way, never a 500
    const restore = readOnly(t.dataDir);
    try {
      const deploy = await call(`/api/services/${PREFIX}keep/deploy`, { method: 'POST' });
      expect([200, 503]).toContain(deploy.status);
      if (deploy.status === 503) expect(deploy.body.message).toMatch(/catalog database/);
      expect((await call('/api/services')).status).toBe(200);
      expect((await call(`/api/services/${PREFIX}keep`)).status).toBe(200);
      expect((await define(`${PREFIX}during-ro`)).status).toBe(201);
    } finally {
      restore();
    }
    await eventually(async () => (await call(`/api/services/${PREFIX}keep/deploy?wait=true`, { method: 'POST' })).status === 200, 60_000, 'deploys to work again');
    const history = await call(`/api/services/${PREFIX}keep/history`);
    expect(history.body[0]).toMatchObject({ action: 'deploy', status: 'succeeded' });
  });

  it('SQLite file deleted while running: recreated from the files, nothing in the catalog lost', async () => {
    const file = join(t.dataDir, 'catalog.sqlite');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    expect((await define(`${PREFIX}after-rm`)).status).toBe(201);
    await eventually(async () => existsSync(file), 5_000, 'the database file again');
    const list = await eventually(async () => {
      const l = (await call('/api/services')).body;
      return l.every((s: any) => s.createdAt) && l;
    }, 10_000, 'metadata back for every file');
    expect(list.map((s: any) => s.name).sort()).toEqual([`${PREFIX}after-rm`, `${PREFIX}during-ro`, `${PREFIX}keep`, `${PREFIX}ro`]);
  });

  it("the manager's dockerd killed during a deploy: a clear error, then the same deploy works without a restart", async () => {
    expect((await define(`${PREFIX}mid`)).status).toBe(201);
    const deploying = call(`/api/services/${PREFIX}mid/deploy?wait=true&timeout=60`, { method: 'POST' });
    await new Promise((r) => setTimeout(r, 150));
    process.kill(labPid('mini2'), 'SIGKILL');
    let answer: { status: number; body: any };
    try {
      answer = await deploying;
    } finally {
      restartLab();
    }
    expect(answer.status === 200 || answer.status === 503).toBe(true);
    if (answer.status === 503) expect(answer.body.message).toMatch(/Docker is unreachable/);
    expect((await call('/api/health')).status).toBe(200);
    await eventually(async () => (await call(`/api/services/${PREFIX}mid/deploy?wait=true`, { method: 'POST' })).body?.convergence?.outcome === 'converged', 90_000, 'the deploy after the restart');
    expect(((await labDocker().getService(`${PREFIX}mid`).inspect()) as any).Spec.Name).toBe(`${PREFIX}mid`);
    const history = (await call(`/api/services/${PREFIX}mid/history`)).body;
    expect(history.some((h: any) => h.status === 'in_progress')).toBe(false);
  });
});
