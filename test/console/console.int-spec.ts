import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { strictMock } from '@app/common/testing';
import { NodeEngine, NodeFacts, NodeStatsCollector, parseDockerHost } from '@app/swarm';
import { buildAgentServer } from '../../apps/agent/src/server';
import { AgentDirectory } from '../../apps/api/src/agents/agent-directory';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labEnv, labImage } from '../fixtures/lab';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from '../fixtures/test-app';

/*
 * The console's whole path on the lab, app ↔ agent ↔ rog1's Engine, with the
 * app and rog1's agent both on this host: the app cannot reach the swarm's
 * overlay from here, so its AgentDirectory is pointed at the host agent (the
 * one test-only override; everything else is the production code). The same
 * path inside the lab, from Chromium, is apps/web/e2e/console.e2e.mjs.
 */

const NAME = 't-console-web';
const SECRET = 'console-test-secret-0123456789';
jest.setTimeout(180_000);

interface Session {
  socket: WebSocket;
  messages: Array<Record<string, any>>;
  text: () => string;
  waitFor(pattern: RegExp, what: string): Promise<void>;
  closed: Promise<{ code: number; reason: string; at: number }>;
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

/** Opens the console as a browser does: the token as a subprotocol, no Authorization header. */
function openSession(t: TestApp, taskId: string, token: string, query = 'command=sh&cols=100&rows=40'): Promise<Session> {
  const url = `${t.url.replace('http', 'ws')}/api/console/tasks/${taskId}/session?${query}`;
  const socket = new WebSocket(url, ['swarm-console', `bearer.${b64url(token)}`]);
  let output = '';
  const messages: Session['messages'] = [];
  socket.on('message', (data: Buffer, binary: boolean) => {
    if (binary) output += data.toString('utf8');
    else messages.push(JSON.parse(data.toString('utf8')));
  });
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({
        socket,
        messages,
        text: () => output,
        closed,
        waitFor: (pattern, what) =>
          eventually(async () => pattern.test(output), 10_000, `${what} in ${JSON.stringify(output.slice(-300))}`, 50).then(
            () => undefined,
          ),
      }),
    );
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, body: JSON.parse(body) })),
      );
    });
    socket.once('error', reject);
  });
}

async function issue(t: TestApp, name: string, role: string): Promise<{ token: string; id: string }> {
  const res = await t.api('/api/auth/tokens', { method: 'POST', json: { name, role } });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; id: string };
  return { token: body.token, id: body.id };
}

async function auditEntries(t: TestApp): Promise<Array<Record<string, any>>> {
  const res = await t.api('/api/audit?limit=100');
  expect(res.status).toBe(200);
  const body = (await res.json()) as { entries?: Array<Record<string, any>> } | Array<Record<string, any>>;
  return Array.isArray(body) ? body : (body.entries ?? []);
}

describe('console: browser WebSocket → app → agent → the task on rog1', () => {
  let t: TestApp;
  let agent: FastifyInstance;
  let dir: string;
  let taskId: string;
  let containerId: string;
  let rog1Id: string;

  beforeAll(async () => {
    const env = labEnv();
    await removeServices(NAME);
    dir = mkdtempSync(join(tmpdir(), 'so-console-'));
    writeFileSync(join(dir, 'agent_secret'), `${SECRET}\n`);

    const engine = new NodeEngine(parseDockerHost(env.LAB_SOCK_rog1), 5_000);
    agent = buildAgentServer({
      secret: SECRET,
      engine,
      // the console needs only the node's Engine: anything else the agent reaches for fails loudly
      stats: strictMock<NodeStatsCollector>('NodeStatsCollector'),
      facts: strictMock<NodeFacts>('NodeFacts'),
      identity: () => engine.identity(),
      gpu: async () => ({ available: false, reason: 'test' }),
    });
    await agent.listen({ port: 0, host: '127.0.0.1' });
    const address = agent.server.address();
    const agentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    await labDocker().createService({
      Name: NAME,
      TaskTemplate: {
        ContainerSpec: { Image: labImage(), Command: ['sleep', '3600'] },
        Placement: { Constraints: ['node.hostname==rog1'] },
      },
      Mode: { Replicated: { Replicas: 1 } },
    } as never);
    const task = await eventually(
      async () =>
        ((await labDocker().listTasks({ filters: JSON.stringify({ service: [NAME] }) })) as any[]).find(
          (x) => x.Status?.State === 'running',
        ),
      60_000,
      `a running task of ${NAME}`,
    );
    taskId = task.ID;
    rog1Id = task.NodeID;
    containerId = task.Status.ContainerStatus.ContainerID;

    t = await startTestApp({ AGENT_SECRET_FILE: join(dir, 'agent_secret') });
    const directory = t.app.get(AgentDirectory);
    jest
      .spyOn(directory, 'endpointFor')
      .mockImplementation(async (nodeId: string) =>
        nodeId === rog1Id ? { nodeId, hostname: 'rog1', url: agentUrl, taskId: 'host-agent' } : undefined,
      );
    jest.spyOn(directory, 'statusFor').mockImplementation(async (nodeId: string) => ({
      nodeId,
      hostname: nodeId === rog1Id ? 'rog1' : nodeId,
      state: nodeId === rog1Id ? ('connected' as const) : ('no-agent' as const),
    }));
  });

  afterAll(async () => {
    await t?.close();
    await agent?.close();
    await removeServices(NAME);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs hostname and $((6*7)) in the task on rog1, follows a resize, and tells the exit code', async () => {
    const s = await openSession(t, taskId, TEST_ADMIN_TOKEN);
    await eventually(async () => s.messages.some((m) => m.type === 'ready'), 10_000, 'ready');
    expect(s.messages[0]).toMatchObject({ type: 'ready', taskId, service: NAME, slot: 1, node: 'rog1', command: ['sh'], containerId });
    // the server picked the console protocol, never the one carrying the token
    expect(s.socket.protocol).toBe('swarm-console');
    s.socket.send(Buffer.from('hostname\n'), { binary: true });
    await s.waitFor(new RegExp(`\\r\\n${containerId.slice(0, 12)}\\r\\n`), 'the hostname');
    s.socket.send(Buffer.from('echo $((6*7))\n'), { binary: true });
    await s.waitFor(/\r\n42\r\n/, '42');
    s.socket.send(Buffer.from('stty size\n'), { binary: true });
    await s.waitFor(/\r\n40 100\r\n/, 'the opening size');
    s.socket.send(JSON.stringify({ type: 'resize', cols: 132, rows: 33 }));
    s.socket.send(Buffer.from('stty size\n'), { binary: true });
    await s.waitFor(/\r\n33 132\r\n/, 'the new size');
    s.socket.send(JSON.stringify({ type: 'resize', cols: 0, rows: 33 }));
    await eventually(async () => s.messages.some((m) => m.type === 'error'), 5_000, 'an error for a bad resize');
    expect(s.messages.find((m) => m.type === 'error')).toEqual({
      type: 'error',
      code: 'INVALID',
      message: 'cols: must be a whole number from 1 to 1000',
    });
    s.socket.send(Buffer.from('exit 5\n'), { binary: true });
    expect(await s.closed).toMatchObject({ code: 1000 });
    expect(s.messages.at(-1)).toEqual({ type: 'exit', exitCode: 5 });
  });

  it('the command is editable, and one that needs a shell says so', async () => {
    const s = await openSession(t, taskId, TEST_ADMIN_TOKEN, `command=${encodeURIComponent("sh -c 'echo edited-$((6*7))'")}`);
    await s.waitFor(/edited-42/, 'the edited command');
    expect((await s.closed).code).toBe(1000);
    expect(s.messages.at(-1)).toEqual({ type: 'exit', exitCode: 0 });

    const bad = await openSession(t, taskId, TEST_ADMIN_TOKEN, `command=${encodeURIComponent('ls | wc')}`);
    expect((await bad.closed).code).toBe(4000);
    expect(bad.messages).toEqual([
      { type: 'error', code: 'INVALID', message: `command: "|" needs a shell, and none runs the command; write it as sh -c '…'` },
    ]);
  });

  it('refuses viewer and operator tokens (403) and a missing or wrong one (401), before the handshake; the target route too', async () => {
    const viewer = await issue(t, 'console-viewer', 'viewer');
    const operator = await issue(t, 'console-operator', 'operator');
    for (const [who, token] of [
      ['console-viewer', viewer.token],
      ['console-operator', operator.token],
    ]) {
      const role = who.split('-')[1];
      await expect(openSession(t, taskId, token)).rejects.toMatchObject({
        status: 403,
        body: { message: `forbidden: the console needs admin; the token "${who}" is ${role}` },
      });
      const target = await t.api(`/api/console/tasks/${taskId}`, { token });
      expect(target.status).toBe(403);
    }
    await expect(openSession(t, taskId, 'so_not-a-token-at-all-000000000000')).rejects.toMatchObject({ status: 401 });
    const bare = new WebSocket(`${t.url.replace('http', 'ws')}/api/console/tasks/${taskId}/session`, ['swarm-console']);
    const status = await new Promise<number>((resolve) => bare.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
    const audit = await auditEntries(t);
    expect(audit.find((e) => e.actor === 'console-operator' && e.action === 'console')).toMatchObject({ status: 403, outcome: 'error' });
  });

  it("the target route names the task's node and its agent; an unknown task is 404", async () => {
    const res = await t.api(`/api/console/tasks/${taskId}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      taskId,
      serviceName: NAME,
      slot: 1,
      nodeId: rog1Id,
      nodeHostname: 'rog1',
      containerId,
      agent: 'connected',
      sessionPath: `/api/console/tasks/${taskId}/session`,
    });
    expect((await t.api('/api/console/tasks/nosuchtask000')).status).toBe(404);
  });

  it('audits every session: who, which task and node, the command, start, end and duration, not the keystrokes', async () => {
    const s = await openSession(t, taskId, TEST_ADMIN_TOKEN);
    s.socket.send(Buffer.from('echo secret-typed-$((1+1))\n'), { binary: true });
    await s.waitFor(/secret-typed-2/, 'the echo');
    await new Promise((r) => setTimeout(r, 300));
    s.socket.close();
    await s.closed;
    const entry = await eventually(
      async () => (await auditEntries(t)).find((e) => e.action === 'console session' && e.params?.reason === 'closed by the browser'),
      5_000,
      'the session entry',
    );
    expect(entry).toMatchObject({
      actor: 'ADMIN_TOKEN',
      role: 'admin',
      target: `${NAME}.1 on rog1 (task ${taskId})`,
      outcome: 'ok',
      params: { taskId, service: NAME, slot: 1, node: 'rog1', command: ['sh'] },
    });
    expect(entry.durationMs).toBeGreaterThanOrEqual(300);
    expect(Date.parse(entry.params.endedAt) - Date.parse(entry.params.startedAt)).toBe(entry.durationMs);
    expect(JSON.stringify(entry)).not.toContain('secret-typed');
    const opened = (await auditEntries(t)).filter((e) => e.action === 'console open' && e.params?.taskId === taskId);
    expect(opened.length).toBeGreaterThanOrEqual(1);
  });

  it('revoking the token ends its session within 5 s, saying why; another token keeps its own', async () => {
    const admin2 = await issue(t, 'console-admin2', 'admin');
    const s = await openSession(t, taskId, admin2.token);
    await eventually(async () => s.messages.some((m) => m.type === 'ready'), 10_000, 'ready');
    const other = await openSession(t, taskId, TEST_ADMIN_TOKEN);
    await eventually(async () => other.messages.some((m) => m.type === 'ready'), 10_000, 'ready');
    const revokedAt = Date.now();
    expect((await t.api(`/api/auth/tokens/${admin2.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    const closed = await s.closed;
    console.log(`console: revoke → session closed in ${closed.at - revokedAt} ms`);
    expect(closed.at - revokedAt).toBeLessThan(5_000);
    expect(closed).toMatchObject({ code: 4001, reason: 'token revoked' });
    expect(s.messages.at(-1)).toEqual({
      type: 'end',
      reason: 'token revoked',
      message: 'the session ended: token revoked; sign in with a valid token to open another',
    });
    other.socket.send(Buffer.from('echo still-$((2*3))\n'), { binary: true });
    await other.waitFor(/still-6/, 'the other session still answering');
    other.socket.close();
    await other.closed;
    const entry = await eventually(
      async () => (await auditEntries(t)).find((e) => e.action === 'console session' && e.actor === 'console-admin2'),
      5_000,
      'the revoked session in the audit',
    );
    expect(entry.params.reason).toBe('token revoked');
  });

  it('MCP exec_in_task: asks for confirmation, then answers stdout, stderr and the exit code, cut at max_bytes with a note', async () => {
    const client = new Client({ name: 'console-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
      }),
    );
    type Result = { isError?: boolean; structuredContent?: any };
    const call = async (args: Record<string, unknown>) => (await client.callTool({ name: 'exec_in_task', arguments: args })) as Result;
    try {
      const unconfirmed = await call({ task: taskId, command: 'hostname' });
      expect(unconfirmed.structuredContent).toMatchObject({
        code: 'CONFIRMATION_REQUIRED',
        send: { name: 'exec_in_task', arguments: { task: taskId, command: 'hostname', confirm: true } },
      });
      const run = await call({ task: taskId, command: ['sh', '-c', 'hostname; echo $((6*7)); echo to-stderr >&2; exit 3'], confirm: true });
      expect(run.isError ? run.structuredContent : 'ok').toBe('ok');
      expect(run.structuredContent).toMatchObject({
        task: taskId,
        service: NAME,
        slot: 1,
        node: 'rog1',
        exitCode: 3,
        stdout: `${containerId.slice(0, 12)}\n42\n`,
        stderr: 'to-stderr\n',
        truncated: false,
        timedOut: false,
      });
      const capped = await call({ task: taskId, command: 'yes abc', max_bytes: 100, timeout: 2, confirm: true });
      expect(capped.structuredContent).toMatchObject({ truncated: true, timedOut: true, exitCode: null });
      expect(capped.structuredContent.stdout).toHaveLength(100);
      expect(capped.structuredContent.note).toMatch(/the output was cut at 100 bytes/);
      const operator = await issue(t, 'console-mcp-operator', 'operator');
      const opClient = new Client({ name: 'console-test-op', version: '1.0.0' });
      await opClient.connect(
        new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${operator.token}` } },
        }),
      );
      const refused = (await opClient.callTool({
        name: 'exec_in_task',
        arguments: { task: taskId, command: 'id', confirm: true },
      })) as Result;
      expect(refused.structuredContent).toEqual({
        code: 'FORBIDDEN',
        message: 'forbidden: needs admin; the token "console-mcp-operator" is operator',
      });
      await opClient.close();
    } finally {
      await client.close();
    }
  });

  it('CONSOLE_AUDIT_KEYSTROKES=true keeps what was typed in the session entry', async () => {
    const typed = await startTestApp({ AGENT_SECRET_FILE: join(dir, 'agent_secret'), CONSOLE_AUDIT_KEYSTROKES: 'true' });
    try {
      const original = t.app.get(AgentDirectory);
      jest.spyOn(typed.app.get(AgentDirectory), 'endpointFor').mockImplementation((nodeId: string) => original.endpointFor(nodeId));
      const s = await openSession(typed, taskId, TEST_ADMIN_TOKEN);
      s.socket.send(Buffer.from('echo typed-$((3*3))\n'), { binary: true });
      await s.waitFor(/typed-9/, 'the echo');
      s.socket.close();
      await s.closed;
      const entry = await eventually(
        async () => (await auditEntries(typed)).find((e) => e.action === 'console session'),
        5_000,
        'the session entry',
      );
      expect(entry.params).toMatchObject({ input: 'echo typed-$((3*3))\n', inputCut: false });
    } finally {
      await typed.close();
    }
  });

  it('with the agent gone, the session says so instead of hanging', async () => {
    const directory = t.app.get(AgentDirectory);
    (directory.endpointFor as jest.Mock).mockImplementationOnce(async (nodeId: string) => ({
      nodeId,
      hostname: 'rog1',
      url: 'http://127.0.0.1:9',
      taskId: 'gone',
    }));
    const s = await openSession(t, taskId, TEST_ADMIN_TOKEN);
    expect((await s.closed).code).toBe(4000);
    expect(s.messages).toEqual([
      {
        type: 'error',
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/^the agent on "rog1" at http:\/\/127\.0\.0\.1:9 did not answer/),
      },
    ]);
  });
});
