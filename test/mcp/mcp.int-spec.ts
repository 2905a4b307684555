import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDocker, removeServices } from '../fixtures/docker';
import { labEnv, labWebImage } from '../fixtures/lab';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from '../fixtures/test-app';

const PREFIX = 't-mcp-';
const ROOT = join(__dirname, '../..');
// what .mcp.json and Claude Desktop start: the launcher of the bundled server
const ENTRY = join(ROOT, 'dist/apps/api/src/mcp-launcher.js');
const BUNDLE = join(ROOT, 'dist/mcp/server.js');
jest.setTimeout(180_000);

type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: any };

async function stdioClient(env: Record<string, string>): Promise<{ client: Client; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'so-mcp-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [ENTRY],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATA_DIR: join(dir, 'data'), DEFINITIONS_DIR: join(dir, 'defs'), ...env },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(transport);
  return { client, dir };
}

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args }, undefined, { timeout: 170_000 })) as ToolResult;

describe('MCP server', () => {
  beforeAll(() => {
    if (!existsSync(ENTRY) || !existsSync(BUNDLE)) execFileSync('npm', ['run', 'build:api'], { cwd: ROOT, stdio: 'ignore' });
    rmSync(`${BUNDLE}.cache`, { force: true });
  });

  describe('over stdio, on the lab', () => {
    let client: Client;
    let dir: string;
    const env = labEnv();
    beforeAll(async () => {
      await removeServices(PREFIX);
      ({ client, dir } = await stdioClient({ DOCKER_HOST: env.DOCKER_HOST, REGISTRY_URL: env.REGISTRY_URL }));
    });
    afterAll(async () => {
      await client?.close();
      rmSync(dir, { recursive: true, force: true });
      await removeServices(PREFIX);
    });

    it('lists every tool with a description, an input schema and annotations', async () => {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      for (const n of [
        'list_services',
        'deploy_service',
        'stop_service',
        'scale_service',
        'get_service_logs',
        'list_nodes',
        'get_health',
        'get_registry_images',
        'get_service',
        'list_tasks',
        'drain_node',
        'activate_node',
        'get_registry_tags',
        'rollback_service',
        'redeploy_service',
        'get_health_history',
      ]) {
        expect(names).toContain(n);
      }
      for (const t of tools) {
        expect(t.description!.length).toBeGreaterThan(20);
        expect(t.inputSchema.type).toBe('object');
        expect(t.annotations).toBeDefined();
      }
      const deploy = tools.find((t) => t.name === 'deploy_service')!;
      expect(deploy.inputSchema.required).toEqual(['name', 'image']);
      expect(Object.keys(deploy.inputSchema.properties!)).toEqual(['name', 'image', 'replicas', 'ports', 'dry_run']);
      expect(tools.find((t) => t.name === 'stop_service')!.annotations).toMatchObject({ destructiveHint: true });
      expect(tools.find((t) => t.name === 'list_nodes')!.annotations).toMatchObject({ readOnlyHint: true });
    });

    it('deploys a registry image that converges, and the other tools say what the swarm says', async () => {
      const name = `${PREFIX}web`;
      const deployed = await call(client, 'deploy_service', { name, image: labWebImage(), replicas: 2 });
      expect(deployed.isError).toBeFalsy();
      expect(deployed.structuredContent).toMatchObject({ name, action: 'created', convergence: { outcome: 'converged', running: 2 } });

      const listed = await call(client, 'list_services');
      expect(listed.structuredContent.services.find((s: any) => s.name === name)).toMatchObject({ status: 'running', replicasRunning: 2 });

      const scaled = await call(client, 'scale_service', { name, replicas: 1 });
      expect(scaled.isError).toBeFalsy();
      expect(((await labDocker().getService(name).inspect()) as any).Spec.Mode.Replicated.Replicas).toBe(1);

      const logs = await call(client, 'get_service_logs', { name, tail: 5 });
      expect(logs.isError).toBeFalsy();
      expect(Array.isArray(logs.structuredContent.lines)).toBe(true);

      const nodes = await call(client, 'list_nodes');
      expect(nodes.structuredContent.nodes.map((n: any) => n.hostname)).toEqual(['mini2', 'rog1', 'spark1']);

      // the stdio server polls when asked: a fresh answer, never "the first poll has not finished"
      const health = await call(client, 'get_health');
      expect(['healthy', 'degraded', 'unhealthy']).toContain(health.structuredContent.status);
      expect(health.structuredContent.nodes.map((n: any) => n.hostname).sort()).toEqual(['mini2', 'rog1', 'spark1']);
      expect(health.structuredContent.reasons.join()).not.toMatch(/first health poll/);

      const images = await call(client, 'get_registry_images');
      expect(images.structuredContent.images).toContainEqual({ repository: 'busybox', tags: ['1.0', 'latest'] });
      expect(images.structuredContent.images).toContainEqual({ repository: 'web', tags: ['1.0'] });

      // destructive: the first call only says what it would do
      const unconfirmed = await call(client, 'stop_service', { name });
      expect(unconfirmed.structuredContent).toMatchObject({
        code: 'CONFIRMATION_REQUIRED',
        send: { name: 'stop_service', arguments: { name, confirm: true } },
      });
      expect(((await labDocker().getService(name).inspect()) as any).Spec.Name).toBe(name);
      const stopped = await call(client, 'stop_service', { name, confirm: true });
      expect(stopped.structuredContent).toEqual({ name, stopped: true });
      await expect(labDocker().getService(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await call(client, 'get_health')).structuredContent.services.map((s: any) => s.name)).not.toContain(name);

      // the health history belongs to the app: a stdio session beside it on the same DATA_DIR writes none
      expect((await call(client, 'get_health_history')).structuredContent).toEqual({ total: 0, events: [] });
    });

    it('answers bad arguments with isError naming the field', async () => {
      const negative = await call(client, 'scale_service', { name: `${PREFIX}web`, replicas: -1 });
      expect(negative.isError).toBe(true);
      expect(negative.content[0].text).toMatch(/replicas: must be 0 or more/);
      const missing = await call(client, 'stop_service', {});
      expect(missing.isError).toBe(true);
      expect(missing.content[0].text).toMatch(/name: is required/);
      const slash = await call(client, 'get_service', { name: 'team/web' });
      expect(slash.isError).toBe(true);
      expect(slash.content[0].text).toMatch(/name: must be a DNS label/);
      const unknown = await call(client, 'get_service', { name: `${PREFIX}nothing` });
      expect(unknown.isError).toBe(true);
      expect(unknown.content[0].text).toBe(`service "${PREFIX}nothing" is not in the catalog`);
      expect(unknown.structuredContent).toEqual({ code: 'NOT_FOUND', message: unknown.content[0].text });
    });

    it('saves a V8 code cache beside the bundle, and the next start loads it instead of compiling', async () => {
      // the session above has run longer than the launcher waits before saving
      const saved = statSync(`${BUNDLE}.cache`);
      expect(saved.size).toBeGreaterThan(1_000_000);
      const next = await stdioClient({ DOCKER_HOST: labEnv().DOCKER_HOST });
      try {
        expect((await next.client.listTools()).tools).toHaveLength(24);
        await new Promise((r) => setTimeout(r, 4_000));
        // a cache V8 refused would be compiled and saved again after 3 s
        expect(statSync(`${BUNDLE}.cache`).mtimeMs).toBe(saved.mtimeMs);
      } finally {
        await next.client.close();
        rmSync(next.dir, { recursive: true, force: true });
      }
    });
  });

  it('without Docker: list_services answers from the catalog, list_nodes says why it cannot, within seconds', async () => {
    const { client, dir } = await stdioClient({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    try {
      const started = Date.now();
      const services = await call(client, 'list_services');
      expect(services.isError).toBeFalsy();
      expect(services.structuredContent.services).toEqual([]);
      const nodes = await call(client, 'list_nodes');
      expect(nodes.isError).toBe(true);
      expect(nodes.content[0].text).toMatch(/Docker is unreachable at unix:\/\/\/nonexistent\/docker.sock: ENOENT/);
      expect(nodes.structuredContent).toEqual({ code: 'UNAVAILABLE', message: nodes.content[0].text });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('over Streamable HTTP at /mcp', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => t?.close());

    it('answers the same tools', async () => {
      const client = new Client({ name: 'http-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
        }),
      );
      try {
        expect((await client.listTools()).tools.length).toBeGreaterThanOrEqual(15);
        const nodes = await call(client, 'list_nodes');
        expect(nodes.structuredContent.nodes).toHaveLength(3);
        const bad = await call(client, 'scale_service', { name: 'x', replicas: 'three' });
        expect(bad.isError).toBe(true);
        expect(bad.content[0].text).toMatch(/replicas: Expected number, received string/);
      } finally {
        await client.close();
      }
    });
  });
});

describe('MCP stdio server with MCP_READ_ONLY=true', () => {
  it('lists only the read tools and refuses the others', async () => {
    const { client, dir } = await stdioClient({ DOCKER_HOST: labEnv().DOCKER_HOST, MCP_READ_ONLY: 'true' });
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(5);
      for (const t of tools) expect(t.annotations?.readOnlyHint).toBe(true);
      expect(tools.map((t) => t.name)).not.toContain('stop_service');
      const stop = await call(client, 'stop_service', { name: `${PREFIX}web`, confirm: true });
      expect(stop.structuredContent).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/read-only \(MCP_READ_ONLY=true\)/),
      });
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
