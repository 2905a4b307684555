import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { eventually, labEnv, labImage } from '../fixtures/lab';
import { collectSse } from '../fixtures/sse';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from '../fixtures/test-app';
import { crashing, getManifest, labNotify, pushVariant, putManifest, RawManifest, relabel } from './image-fixtures';

jest.setTimeout(240_000);

const SECRET = 'so_images_notify_secret_0123456789';
const EVENTS = 'application/vnd.docker.distribution.events.v1+json';
const NOTIFY = 'img-notify';
const REDEPLOY = 'img-redeploy';
const USAGE = 'img-usage';

type Json = Record<string, any>;

describe('image lifecycle on the lab: registry notifications, update available, redeploy by policy, safe deletes', () => {
  let t: TestApp;
  let registryUrl: string;
  let original: RawManifest;
  const created: string[] = [];

  const json = async (path: string, init: Parameters<TestApp['api']>[1] = {}) => {
    const res = await t.api(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  const history = async (name: string) => (await json(`/api/services/${name}/history`)).body as Json[];
  const liveDigest = async (name: string) =>
    ((await json('/api/services/live')).body as Json[]).find((s) => s.name === name)?.imageDigest as string | undefined;
  const notification = (tag: string, digest: string, repository = 'busybox') => ({
    events: [
      {
        id: `synthetic-${Math.random()}`,
        timestamp: new Date().toISOString(),
        action: 'push',
        target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest, repository, tag, size: 500 },
      },
    ],
  });
  const post = (body: unknown, headers: Record<string, string> = { 'x-registry-secret': SECRET }) =>
    fetch(`${t.url}/api/registry/notifications`, {
      method: 'POST',
      headers: { 'content-type': EVENTS, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  async function deploy(name: string, image: string, policy: string) {
    const def = {
      name,
      image,
      command: ['sleep', '3600'],
      'x-update': policy,
      deploy: { update_config: { monitor: '2s' }, restart_policy: { delay: '1s' } },
    };
    expect((await t.api('/api/services', { method: 'POST', json: def })).status).toBe(201);
    created.push(name);
    const res = await json(`/api/services/${name}/deploy?wait=true&timeout=90`, { method: 'POST' });
    expect(res.body.convergence?.outcome).toBe('converged');
    return res.body.imageDigest as string;
  }

  beforeAll(async () => {
    registryUrl = labEnv().REGISTRY_URL;
    original = await getManifest(registryUrl, 'busybox', '1.0');
    t = await startTestApp({ REGISTRY_NOTIFY_SECRET: SECRET, REGISTRY_REDEPLOY_DEBOUNCE_MS: '1000' });
    labNotify(`${t.url}/api/registry/notifications`, SECRET);
  });

  afterAll(async () => {
    labNotify('off');
    for (const name of created) await t.api(`/api/services/${name}?force=true`, { method: 'DELETE' }).catch(() => undefined);
    // the lab's busybox:1.0 as it was, for every other test
    if (original) await putManifest(registryUrl, 'busybox', '1.0', original);
    await t?.close();
  });

  it('refuses a notification without the shared secret (401) and changes nothing', async () => {
    const before = (await json('/api/images/updates')).body;
    const digest = `sha256:${'b'.repeat(64)}`;
    const attempts: Array<Record<string, string>> = [
      {},
      { 'x-registry-secret': 'wrong-secret-0123456789' },
      { authorization: `Bearer ${SECRET}` },
    ];
    for (const headers of attempts) {
      const res = await post(notification('1.0', digest), headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as Json).message).toMatch(/X-Registry-Secret/);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect((await json('/api/images/updates')).body).toEqual(before);
  });

  it('answers 400 naming the field for a malformed envelope', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"events": ', /^body: not valid JSON/],
      [{ events: 'x' }, /^events: must be an array$/],
      [{ events: [{ action: 'push', target: { tag: '1.0' } }] }, /^events\[0\]\.target\.repository: must be a non-empty string$/],
      [
        {
          events: [
            {
              action: 'push',
              target: { repository: 'busybox', tag: '1.0', digest: 'nope', mediaType: 'application/vnd.oci.image.manifest.v1+json' },
            },
          ],
        },
        /^events\[0\]\.target\.digest: must be sha256/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).message).toMatch(message);
    }
  });

  it('announces "update available" within 2 s of a push under the tag a notify service runs, on /api/events and in REST', async () => {
    const running = await deploy(NOTIFY, labImage(), 'notify');
    const sse = collectSse(await t.api('/api/events', { headers: { accept: 'text/event-stream' } }));
    try {
      await sse.waitFor((e) => e.event === 'snapshot', 5000, 'snapshot');
      const pushed = await pushVariant(registryUrl, original, 'busybox', 'busybox', '1.0', relabel(`notify-${Date.now()}`));
      const event = await sse.waitFor(
        (e) =>
          e.event === 'image-update' &&
          e.data.subject === NOTIFY &&
          e.data.action === 'available' &&
          e.data.data.availableDigest === pushed.digest,
        2000,
        'image-update available',
      );
      expect(event.receivedAt - pushed.pushedAt).toBeLessThan(2000);
      expect(event.data.data).toMatchObject({
        currentDigest: running,
        availableDigest: pushed.digest,
        policy: 'notify',
        tag: '1.0',
        repository: 'busybox',
      });
      const summary = `update available: ${running.slice(7, 19)} → ${pushed.digest.slice(7, 19)}, pushed `;
      expect(event.data.data.summary).toContain(summary);

      const detail = (await json(`/api/services/${NOTIFY}`)).body;
      expect(detail.imageUpdate).toMatchObject({ availableDigest: pushed.digest, currentDigest: running });
      expect(detail.imageUpdate.summary).toContain(summary);
      const live = ((await json('/api/services/live')).body as Json[]).find((s) => s.name === NOTIFY)!;
      expect(live.imageUpdate.availableDigest).toBe(pushed.digest);
      expect(((await json('/api/images/updates')).body as Json[]).map((u) => u.service)).toContain(NOTIFY);
      // a late notification of the old digest and a re-sent one change nothing: the registry's answer decides
      for (const digest of [running, pushed.digest]) expect((await post(notification('1.0', digest))).status).toBe(202);
      await new Promise((r) => setTimeout(r, 500));
      expect((await json(`/api/services/${NOTIFY}`)).body.imageUpdate).toMatchObject({
        availableDigest: pushed.digest,
        pushedAt: event.data.data.pushedAt,
      });
      expect(
        sse.events.filter((e) => e.event === 'image-update' && e.data.subject === NOTIFY && e.data.action === 'available'),
      ).toHaveLength(1);
      // the same state for agents: list_image_updates (viewer, read-only)
      const mcp = new Client({ name: 'images-test', version: '1.0.0' });
      await mcp.connect(
        new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
        }),
      );
      try {
        const tool = (await mcp.listTools()).tools.find((x) => x.name === 'list_image_updates');
        expect(tool?.annotations?.readOnlyHint).toBe(true);
        const result = (await mcp.callTool({ name: 'list_image_updates', arguments: {} })) as unknown as {
          isError?: boolean;
          structuredContent: { updates: Json[] };
        };
        expect(result.isError).toBeFalsy();
        expect(result.structuredContent.updates.find((u) => u.service === NOTIFY)).toMatchObject({
          availableDigest: pushed.digest,
          currentDigest: running,
          policy: 'notify',
        });
      } finally {
        await mcp.close();
      }
      // notify only: still the old digest, no deploy by the registry
      await new Promise((r) => setTimeout(r, 2500));
      expect(await liveDigest(NOTIFY)).toBe(running);
      expect((await history(NOTIFY)).filter((h) => h.actor === 'registry')).toEqual([]);
    } finally {
      await sse.stop();
    }
  });

  it('redeploys an x-update: redeploy service on a push, without a call, with actor "registry" in its history', async () => {
    await deploy(REDEPLOY, labImage(), 'redeploy');
    const pushed = await pushVariant(registryUrl, original, 'busybox', 'busybox', '1.0', relabel(`redeploy-${Date.now()}`));
    await eventually(async () => (await liveDigest(REDEPLOY)) === pushed.digest, 60_000, `${REDEPLOY} on ${pushed.digest}`);
    const entry = await eventually(
      async () => (await history(REDEPLOY)).find((h) => h.actor === 'registry' && h.status !== 'in_progress'),
      60_000,
      'the registry deploy in the history',
    );
    expect(entry).toMatchObject({ action: 'deploy', status: 'succeeded', imageDigest: pushed.digest });
    expect(entry.message).toMatch(/converged|running/);
    await eventually(
      async () => !((await json('/api/images/updates')).body as Json[]).some((u) => u.service === REDEPLOY),
      10_000,
      'the update cleared',
    );
  });

  it('rolls back a redeploy whose new image crash-loops, and the history says why', async () => {
    const before = await liveDigest(REDEPLOY);
    const count = (await history(REDEPLOY)).length;
    const pushed = await pushVariant(registryUrl, original, 'busybox', 'busybox', '1.0', crashing);
    const failed = await eventually(
      async () =>
        (await history(REDEPLOY))
          .slice(0, (await history(REDEPLOY)).length - count)
          .find((h) => h.actor === 'registry' && h.action === 'deploy' && h.status === 'failed'),
      120_000,
      'a failed registry deploy',
    );
    expect(failed.imageDigest ?? pushed.digest).toBe(pushed.digest);
    expect(failed.message).toMatch(/fail|exit|paused|replicas/i);
    await eventually(async () => (await liveDigest(REDEPLOY)) === before, 60_000, `${REDEPLOY} back on ${before}`);
    const update = await eventually(
      async () =>
        ((await json('/api/images/updates')).body as Json[]).find((u) => u.service === REDEPLOY && u.redeploy?.state === 'rolled-back'),
      30_000,
      'rolled-back state',
    );
    // update_config.failure_action is pause: the swarm keeps the new digest, the app rolls back and its history entry says why
    expect(update.redeploy.message).toMatch(/redeploy to \w{12} failed .*; rolled back to \w{12}$/);
    const rollback = (await history(REDEPLOY)).find((h) => h.action === 'rollback')!;
    expect(rollback).toMatchObject({ actor: 'registry', status: 'succeeded' });
    expect(rollback.message).toMatch(
      new RegExp(`^rolled back: new digest sha256:${pushed.digest.slice(7, 19)}… did not converge \\(.*non-zero exit \\(1\\)\\)$`),
    );
    // the failed digest is not tried again
    const n = (await history(REDEPLOY)).length;
    await new Promise((r) => setTimeout(r, 3000));
    expect((await history(REDEPLOY)).filter((h) => h.action === 'deploy').length).toBe(
      (await history(REDEPLOY)).slice(0, n).filter((h) => h.action === 'deploy').length,
    );
  });

  it('gives one redeploy, of the last push, for a burst of pushes and 50 notifications of the tag within a second', async () => {
    const count = (await history(REDEPLOY)).filter((h) => h.actor === 'registry' && h.action === 'deploy').length;
    const started = Date.now();
    let last = { digest: '', pushedAt: 0 };
    for (let i = 0; i < 3; i++)
      last = await pushVariant(registryUrl, original, 'busybox', 'busybox', '1.0', relabel(`burst-${started}-${i}`));
    // 50 notifications sent within a second: 5 waves of 10, 200 ms apart (how fast a loaded machine answers them is not the point)
    const posts: Array<Promise<Response>> = [];
    for (let wave = 0; wave < 5; wave++) {
      posts.push(...Array.from({ length: 10 }, () => post(notification('1.0', last.digest))));
      if (wave < 4) await new Promise((r) => setTimeout(r, 200));
    }
    const statuses = (await Promise.all(posts)).map((r) => r.status);
    expect(new Set(statuses)).toEqual(new Set([202]));
    await eventually(async () => (await liveDigest(REDEPLOY)) === last.digest, 60_000, `${REDEPLOY} on the last push`);
    const registryDeploys = async () => (await history(REDEPLOY)).filter((h) => h.actor === 'registry' && h.action === 'deploy');
    await eventually(async () => (await registryDeploys())[0].status !== 'in_progress', 60_000, 'the redeploy finished');
    // past another debounce window and convergence wait: still one
    await new Promise((r) => setTimeout(r, 4000));
    const deploys = await registryDeploys();
    expect(deploys.length - count).toBe(1);
    expect(deploys[0]).toMatchObject({ status: 'succeeded', imageDigest: last.digest });
  });

  it('refuses to delete a tag a running service uses (409 naming it) and tells which service runs what, on which nodes', async () => {
    const res = await json('/api/registry/repositories/busybox/tags/1.0', { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(new RegExp(`"${REDEPLOY}" \\(on [\\w, -]+\\)`));
    expect((await getManifest(registryUrl, 'busybox', '1.0')).digest).toBeTruthy();

    const tags = (await json('/api/registry/repositories/busybox/tags')).body as Json[];
    const current = tags.find((x) => x.tag === '1.0')!;
    expect(current.usedBy.map((u: Json) => u.service)).toContain(REDEPLOY);
    expect(current.usedBy.find((u: Json) => u.service === REDEPLOY).nodes.length).toBeGreaterThan(0);
    const usage = ((await json('/api/images/usage')).body as Json[]).find((u) => u.service === NOTIFY)!;
    expect(usage).toMatchObject({ repository: 'busybox', tag: '1.0', inRegistry: true });
    expect(usage.nodes[0]).toMatchObject({ tasks: 1 });
    expect(usage.update.availableDigest).toBe(current.digest);
  });

  it('refuses to delete a tag whose digest another tag shares (409 naming that tag); force=true deletes both and says when space comes back', async () => {
    const repo = 'img-del-shared';
    const a = await pushVariant(registryUrl, original, 'busybox', repo, 'a', relabel(`shared-${Date.now()}`));
    const same = await getManifest(registryUrl, repo, 'a');
    await putManifest(registryUrl, repo, 'b', same);
    const refused = await json(`/api/registry/repositories/${repo}/tags/a`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`"${repo}:b"`);
    expect(refused.body.message).toMatch(/force=true/);
    const forced = await json(`/api/registry/repositories/${repo}/tags/a?force=true`, { method: 'DELETE' });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ repository: repo, tag: 'a', digest: a.digest, alsoDeletedTags: ['b'], servicesUsingIt: [] });
    expect(forced.body.note).toMatch(/garbage collection/);
    expect((await json(`/api/registry/repositories/${repo}/tags/b`)).status).toBe(404);
  });

  it('force-deletes a digest a service runs, and the usage then says the registry no longer holds it', async () => {
    const repo = 'img-del-used';
    await pushVariant(registryUrl, original, 'busybox', repo, '1.0', relabel(`used-${Date.now()}`));
    const image = `${labEnv().LAB_REGISTRY}/${repo}:1.0`;
    await deploy(USAGE, image, 'off');
    const refused = await json(`/api/registry/repositories/${repo}/tags/1.0`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`"${USAGE}"`);
    const forced = await json(`/api/registry/repositories/${repo}/tags/1.0?force=true`, { method: 'DELETE' });
    expect(forced.status).toBe(200);
    expect(forced.body.servicesUsingIt).toEqual([USAGE]);
    const usage = ((await json('/api/images/usage')).body as Json[]).find((u) => u.service === USAGE)!;
    expect(usage).toMatchObject({ repository: repo, inRegistry: false });
    expect(usage.nodes.length).toBe(1);
  });
});
