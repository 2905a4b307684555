import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeServices } from '../fixtures/docker';
import { labEnv, labImage, labWebImage } from '../fixtures/lab';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-actor-';
const ROOT = join(__dirname, '../..');
const ENTRY = join(ROOT, 'dist/apps/api/src/mcp-launcher.js');
jest.setTimeout(180_000);

type History = Array<{ action: string; status: string; actor?: string }>;
type ToolResult = { isError?: boolean; content: Array<{ text: string }> };

/** Who did it: every deploy history record names the caller and the way in. */
describe('deploy history: the actor', () => {
  let t: TestApp;
  let operator: string;
  const history = async (app: TestApp, name: string): Promise<History> =>
    (await (await app.api(`/api/services/${name}/history`)).json()) as History;

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
    const created = await t.api('/api/auth/tokens', { method: 'POST', json: { name: 'ci-deployer', role: 'operator' } });
    expect(created.status).toBe(201);
    operator = ((await created.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    await t?.close();
  });

  it('a REST deploy and scale with an operator token name the token, its role and REST', async () => {
    const name = `${PREFIX}rest`;
    const def = { name, image: labImage(), command: ['sleep', '3600'], stop_grace_period: '1s' };
    expect((await t.api('/api/services', { method: 'POST', json: def, token: operator })).status).toBe(201);
    expect((await t.api(`/api/services/${name}/deploy`, { method: 'POST', token: operator })).status).toBe(200);
    expect((await t.api(`/api/services/${name}/scale`, { method: 'POST', json: { replicas: 2 }, token: operator })).status).toBe(200);
    expect((await t.api(`/api/services/${name}/stop`, { method: 'POST' })).status).toBe(200);
    const records = await history(t, name);
    expect(records.map((r) => [r.action, r.status, r.actor])).toEqual([
      ['stop', 'succeeded', 'ADMIN_TOKEN (admin, REST)'],
      ['scale', 'succeeded', 'ci-deployer (operator, REST)'],
      ['deploy', 'succeeded', 'ci-deployer (operator, REST)'],
    ]);
  });

  it('an MCP call over HTTP names the token and says MCP', async () => {
    const name = `${PREFIX}mcp`;
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${operator}` } } }),
    );
    try {
      const deployed = (await client.callTool({ name: 'deploy_service', arguments: { name, image: labWebImage() } }, undefined, {
        timeout: 170_000,
      })) as ToolResult;
      expect(deployed.isError).toBeFalsy();
      const stopped = (await client.callTool({ name: 'stop_service', arguments: { name, confirm: true } })) as ToolResult;
      expect(stopped.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    expect((await history(t, name)).map((r) => [r.action, r.actor])).toEqual([
      ['stop', 'mcp:ci-deployer (operator)'],
      ['deploy', 'mcp:ci-deployer (operator)'],
    ]);
  });

  it('an MCP call over stdio names the local user and stdio', async () => {
    if (!existsSync(ENTRY)) execFileSync('npm', ['run', 'build:api'], { cwd: ROOT, stdio: 'ignore' });
    const name = `${PREFIX}stdio`;
    const dir = mkdtempSync(join(tmpdir(), 'so-actor-'));
    const env = labEnv();
    const paths = { DATA_DIR: join(dir, 'data'), DEFINITIONS_DIR: join(dir, 'defs') };
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [ENTRY],
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DOCKER_HOST: env.DOCKER_HOST, REGISTRY_URL: env.REGISTRY_URL, ...paths },
        stderr: 'ignore',
      }),
    );
    try {
      const deployed = await client.callTool({ name: 'deploy_service', arguments: { name, image: labWebImage() } }, undefined, {
        timeout: 170_000,
      });
      expect((deployed as ToolResult).isError).toBeFalsy();
    } finally {
      await client.close();
    }
    // the stdio server's history, read back by an app on the same data
    const reader = await startTestApp(paths);
    try {
      expect((await history(reader, name)).map((r) => [r.action, r.actor])).toEqual([['deploy', 'local (MCP stdio)']]);
    } finally {
      await reader.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
