import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, labEnv, labPid, restartLab } from '../fixtures/lab';
import { OCI_INDEX, pushImage, pushManifest } from '../fixtures/registry';
import { errorOf, Schemas } from '../fixtures/api-client';
import { startTestApp, TestApp } from '../fixtures/test-app';

jest.setTimeout(120_000);
const run = Math.random().toString(36).slice(2, 8);
const PREFIX = `t-reg-${run}`;

describe('registry API on the lab registry', () => {
  let t: TestApp;
  const registry = labEnv().REGISTRY_URL;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('lists the seeded busybox tags with the digest, size and platform the registry reports', async () => {
    const tags = await t.client.GET('/api/registry/repositories/{name}/tags', { params: { path: { name: 'busybox' } } });
    expect(tags.response.status).toBe(200);
    expect(tags.data!.map((x) => x.tag)).toEqual(['1.0', 'latest']);
    const head = await fetch(`${registry}/v2/busybox/manifests/1.0`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    const manifest = (await head.json()) as any;
    const expectedSize = manifest.config.size + manifest.layers.reduce((s: number, l: any) => s + l.size, 0);
    expect(tags.data![0]).toMatchObject({
      digest: head.headers.get('docker-content-digest'),
      size: expectedSize,
      platforms: [{ os: 'linux', architecture: 'amd64' }],
    });
    expect(tags.data![0].created).toMatch(/^\d{4}-/);
  });

  it('reads a multi-platform index pushed through the registry API, with slashes in the name', async () => {
    const repo = `${PREFIX}/multi`;
    const amd = await pushImage(registry, repo, 'amd64-only', 'amd64', 1500, { 'org.opencontainers.image.title': 'multi' });
    const arm = await pushImage(registry, repo, 'arm64-only', 'arm64', 2500);
    const index = await pushManifest(
      registry,
      repo,
      '2.0',
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { ...amd.manifest, platform: { os: 'linux', architecture: 'amd64' } },
          { ...arm.manifest, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      },
      OCI_INDEX,
    );

    // the typed client encodes the slash (%2F); a hand-typed URL keeps it as a path separator: both read the same tag
    const encoded = await t.client.GET('/api/registry/repositories/{name}/tags/{tag}', { params: { path: { name: repo, tag: '2.0' } } });
    const slashed = await t.api(`/api/registry/repositories/${repo}/tags/2.0`);
    for (const res of [
      { status: encoded.response.status, body: encoded.data! },
      { status: slashed.status, body: (await slashed.json()) as Schemas['TagDetailsDto'] },
    ]) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        repository: repo,
        tag: '2.0',
        digest: index.digest,
        mediaType: OCI_INDEX,
        size: amd.config.size + amd.layer.size + arm.config.size + arm.layer.size,
        platforms: [
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm64', variant: 'v8' },
        ],
        labels: { 'org.opencontainers.image.title': 'multi' },
      });
      expect(res.body.manifests!.map((m) => m.digest)).toEqual([amd.manifest.digest, arm.manifest.digest]);
    }
    const single = await t.client.GET('/api/registry/repositories/{name}/tags/{tag}', {
      params: { path: { name: repo, tag: 'amd64-only' } },
    });
    expect(single.data).toMatchObject({
      size: amd.config.size + amd.layer.size,
      config: { digest: amd.config.digest },
      layers: [{ digest: amd.layer.digest, size: 1500 }],
    });
  });

  it('lists 250 repositories completely through pagination', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `${PREFIX}/many-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 25)
      await Promise.all(names.slice(i, i + 25).map((n) => pushImage(registry, n, 'v1', 'amd64', 10)));
    const res = await t.client.GET('/api/registry/repositories', { params: { query: { q: `${PREFIX}/many-` } } });
    expect(res.response.status).toBe(200);
    expect(res.data!.map((r) => r.name).sort()).toEqual(names);
  });

  it('deletes a tag: it leaves the tag list', async () => {
    const repo = `${PREFIX}/gone`;
    await pushImage(registry, repo, 'old', 'amd64', 100);
    await pushImage(registry, repo, 'keep', 'amd64', 200);
    const old = { path: { name: repo, tag: 'old' } };
    const del = await t.client.DELETE('/api/registry/repositories/{name}/tags/{tag}', { params: old });
    expect(del.response.status).toBe(200);
    expect(del.data!.digest).toMatch(/^sha256:/);
    expect(
      (await t.client.GET('/api/registry/repositories/{name}/tags', { params: { path: { name: repo } } })).data!.map((x) => x.tag),
    ).toEqual(['keep']);
    const missing = await t.client.GET('/api/registry/repositories/{name}/tags/{tag}', { params: old });
    expect(missing.response.status).toBe(404);
    expect(errorOf(missing).message).toBe(`tag "${repo}:old" not found in the registry`);
  });

  describe('a registry with deletes disabled', () => {
    let proc: ChildProcess;
    let dir: string;
    let other: TestApp;
    const port = 15000 + Math.floor(Math.random() * 1000);
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'so-reg-'));
      writeFileSync(
        join(dir, 'config.yml'),
        `version: 0.1\nlog: { level: error }\nstorage:\n  filesystem: { rootdirectory: ${dir}/data }\n  delete: { enabled: false }\nhttp: { addr: "127.0.0.1:${port}" }\n`,
      );
      proc = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).ok, 10_000, 'the second registry');
      other = await startTestApp({ REGISTRY_URL: `http://127.0.0.1:${port}` });
    });
    afterAll(async () => {
      proc?.kill('SIGKILL');
      await other?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers a 4xx that says deletes are disabled, and keeps the tag', async () => {
      await pushImage(`http://127.0.0.1:${port}`, 'app', '1', 'amd64', 10);
      const res = await other.client.DELETE('/api/registry/repositories/{name}/tags/{tag}', {
        params: { path: { name: 'app', tag: '1' } },
      });
      expect(res.response.status).toBe(403);
      expect(errorOf(res).message).toMatch(/does not allow deletes.*storage\.delete\.enabled/);
      expect((await other.client.GET('/api/registry/repositories/{name}/tags', { params: { path: { name: 'app' } } })).data).toHaveLength(
        1,
      );
    });
  });

  it('answers 503 within the bound while the registry is down; the rest of the API is unaffected', async () => {
    process.kill(labPid('registry'), 'SIGKILL');
    try {
      const started = Date.now();
      const res = await t.client.GET('/api/registry/repositories');
      expect(res.response.status).toBe(503);
      expect(errorOf(res).message).toMatch(/the registry at http:\/\/.* is unreachable: ECONNREFUSED/);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect((await t.client.GET('/api/nodes')).response.status).toBe(200);
      expect((await t.client.GET('/api/health')).response.status).toBe(200);
    } finally {
      restartLab();
    }
    expect((await t.client.GET('/api/registry/repositories/{name}/tags', { params: { path: { name: 'busybox' } } })).response.status).toBe(
      200,
    );
  });
});
