import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { labDocker } from '../fixtures/docker';
import { eventually, labEnv } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';
import { getManifest, pushVariant, RawManifest, relabel } from './image-fixtures';

jest.setTimeout(240_000);

const NAME = 'img-rd';
const PINNED = 'img-rd-pinned';
const REPO = 'img-rd';
const STACK = 'imgrdstack';

type Json = Record<string, any>;
type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: any };

describe('redeploy on request (REST and MCP): plan, confirmation, the caller in the history; the update in the service answers', () => {
  let t: TestApp;
  let registryUrl: string;
  let base: RawManifest;
  let mcp: Client;

  const json = async (path: string, init: Parameters<TestApp['api']>[1] = {}) => {
    const res = await t.api(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  const call = async (name: string, args: Record<string, unknown>) =>
    (await mcp.callTool({ name, arguments: args }, undefined, { timeout: 200_000 })) as ToolResult;
  const version = async (name: string) => ((await labDocker().getService(name).inspect()) as any).Version.Index as number;
  const liveDigest = async (name: string) =>
    ((await json('/api/services/live')).body as Json[]).find((s) => s.name === name)?.imageDigest as string | undefined;

  beforeAll(async () => {
    registryUrl = labEnv().REGISTRY_URL;
    base = await getManifest(registryUrl, 'busybox', '1.0');
    // a repository of its own: the other image tests move busybox:1.0
    await pushVariant(registryUrl, base, 'busybox', REPO, '1.0', relabel(`rd-first-${Date.now()}`));
    t = await startTestApp({ REGISTRY_POLL_INTERVAL: '1' });
    const res = await t.api('/api/auth/tokens', { method: 'POST', json: { name: 'redeployer', role: 'operator' } });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    mcp = new Client({ name: 'redeploy-test', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
    );
  });

  afterAll(async () => {
    await mcp?.close();
    for (const name of [NAME, PINNED]) await t?.api(`/api/services/${name}?force=true`, { method: 'DELETE' }).catch(() => undefined);
    await t?.api(`/api/stacks/${STACK}?force=true`, { method: 'DELETE' }).catch(() => undefined);
    await t?.close();
  });

  it('plans old → new digest and the tasks that would restart, refuses without confirm, and with it converges on the new digest as the caller', async () => {
    const image = `${labEnv().LAB_REGISTRY}/${REPO}:1.0`;
    const def = {
      name: NAME,
      image,
      command: ['sleep', '3600'],
      'x-update': 'notify',
      deploy: { replicas: 2, update_config: { monitor: '2s' } },
    };
    expect((await t.api('/api/services', { method: 'POST', json: def })).status).toBe(201);
    const deployed = await json(`/api/services/${NAME}/deploy?wait=true&timeout=90`, { method: 'POST' });
    expect(deployed.body.convergence?.outcome).toBe('converged');
    const old = deployed.body.imageDigest as string;

    // nothing to redeploy yet: the tag names the digest it runs
    const same = await json(`/api/services/${NAME}/redeploy?dry_run=true`, { method: 'POST' });
    expect(same.body).toMatchObject({ dryRun: true, action: 'unchanged', fromDigest: old, toDigest: old, tasks: [] });

    const pushed = await pushVariant(registryUrl, base, 'busybox', REPO, '1.0', relabel(`rd-second-${Date.now()}`));
    // the poll sees it: the service answers carry the update (REST, and MCP with its output schema)
    const detail = await eventually(
      async () => {
        const d = (await json(`/api/services/${NAME}`)).body;
        return d.imageUpdate?.availableDigest === pushed.digest ? d : undefined;
      },
      30_000,
      'imageUpdate in GET /api/services/{name}',
    );
    expect(detail.imageUpdate).toMatchObject({ currentDigest: old, tag: '1.0', repository: REPO, policy: 'notify' });
    expect(((await json('/api/services')).body as Json[]).find((s) => s.name === NAME)!.imageUpdate.availableDigest).toBe(pushed.digest);
    const listed = await call('list_services', {});
    expect(listed.structuredContent.services.find((s: Json) => s.name === NAME).imageUpdate).toMatchObject({
      currentDigest: old,
      availableDigest: pushed.digest,
    });
    expect((await call('get_service', { name: NAME })).structuredContent.imageUpdate.availableDigest).toBe(pushed.digest);

    const before = await version(NAME);
    const plan = await json(`/api/services/${NAME}/redeploy?dry_run=true`, { method: 'POST' });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ dryRun: true, name: NAME, action: 'update', repository: REPO, tag: '1.0', fromDigest: old });
    expect(plan.body.toDigest).toBe(pushed.digest);
    expect(plan.body.summary).toContain(`from ${old.slice(7, 19)} to ${pushed.digest.slice(7, 19)}`);
    expect(plan.body.summary).toContain('restarting 2 task(s)');
    expect(plan.body.tasks).toHaveLength(2);
    const imageChange = plan.body.changes.find((c: Json) => c.path === 'TaskTemplate.ContainerSpec.Image');
    expect(imageChange).toMatchObject({ definition: `${image}@${pushed.digest}`, deployed: `${image}@${old}` });

    const mcpPlan = await call('redeploy_service', { name: NAME, dry_run: true });
    expect(mcpPlan.isError).toBeFalsy();
    expect(mcpPlan.structuredContent).toMatchObject({ dryRun: true, fromDigest: old, toDigest: pushed.digest });
    const refused = await call('redeploy_service', { name: NAME });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      send: { name: 'redeploy_service', arguments: { name: NAME, confirm: true } },
      plan: { dryRun: true, action: 'update', fromDigest: old, toDigest: pushed.digest },
    });
    // the plans changed nothing
    expect(await version(NAME)).toBe(before);
    expect(await liveDigest(NAME)).toBe(old);

    const done = await call('redeploy_service', { name: NAME, confirm: true });
    expect(done.isError).toBeFalsy();
    expect(done.structuredContent).toMatchObject({ name: NAME, outcome: 'redeployed', fromDigest: old, toDigest: pushed.digest });
    expect(done.structuredContent.convergence.outcome).toBe('converged');
    expect(await liveDigest(NAME)).toBe(pushed.digest);
    const history = (await json(`/api/services/${NAME}/history`)).body as Json[];
    expect(history[0]).toMatchObject({
      action: 'deploy',
      status: 'succeeded',
      actor: 'mcp:redeployer (operator)',
      imageDigest: pushed.digest,
    });
    await eventually(async () => !(await json(`/api/services/${NAME}`)).body.imageUpdate, 10_000, 'the update cleared');
    // again: nothing left to roll to
    expect((await call('redeploy_service', { name: NAME, confirm: true })).structuredContent).toMatchObject({ outcome: 'unchanged' });
  });

  it('says why a service pinned by digest is not followed, and refuses to redeploy it (409)', async () => {
    const digest = (await getManifest(registryUrl, REPO, '1.0')).digest;
    const image = `${labEnv().LAB_REGISTRY}/${REPO}@${digest}`;
    expect((await t.api('/api/services', { method: 'POST', json: { name: PINNED, image, command: ['sleep', '3600'] } })).status).toBe(201);
    expect((await json(`/api/services/${PINNED}/deploy?wait=true&timeout=90`, { method: 'POST' })).body.convergence?.outcome).toBe(
      'converged',
    );
    const reason = `pinned by digest (${digest.slice(7, 19)}): not followed`;
    const detail = (await json(`/api/services/${PINNED}`)).body;
    expect(detail.imageNotFollowed).toBe(reason);
    expect(detail).not.toHaveProperty('imageUpdate');
    expect(((await json('/api/services/live')).body as Json[]).find((s) => s.name === PINNED)!.imageNotFollowed).toBe(reason);
    const refused = await json(`/api/services/${PINNED}/redeploy`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(`cannot redeploy "${PINNED}" (${image}): ${reason}`);
    expect((await json(`/api/services/${PINNED}/redeploy`, { method: 'POST', json: {} })).status).toBe(409);
  });

  it("carries a stack service's update in the stack's answer (REST and get_stack)", async () => {
    const compose = `services:\n  app:\n    image: ${labEnv().LAB_REGISTRY}/${REPO}:1.0\n    command: ['sleep', '3600']\n`;
    expect((await t.api('/api/stacks', { method: 'POST', json: { name: STACK, compose } })).status).toBe(201);
    const deployed = await json(`/api/stacks/${STACK}/deploy?wait=true&timeout=90`, { method: 'POST' });
    expect(deployed.status).toBe(200);
    const app = async () => ((await json(`/api/stacks/${STACK}`)).body.serviceList as Json[]).find((s) => s.key === 'app')!;
    const running = await liveDigest(`${STACK}_app`);
    expect(running).toMatch(/^sha256:/);
    expect(await app()).not.toHaveProperty('imageUpdate');
    const pushed = await pushVariant(registryUrl, base, 'busybox', REPO, '1.0', relabel(`rd-stack-${Date.now()}`));
    const service = await eventually(
      async () => {
        const s = await app();
        return s.imageUpdate?.availableDigest === pushed.digest ? s : undefined;
      },
      30_000,
      'imageUpdate on the stack service',
    );
    expect(service.imageUpdate).toMatchObject({ currentDigest: running, stack: STACK, tag: '1.0', policy: 'notify' });
    const tool = await call('get_stack', { name: STACK });
    expect(tool.isError).toBeFalsy();
    expect(tool.structuredContent.serviceList.find((s: Json) => s.key === 'app').imageUpdate.availableDigest).toBe(pushed.digest);
  });
});
