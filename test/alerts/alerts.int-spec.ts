import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { labDocker, removeServices } from '../fixtures/docker';
import { eventually, labImage, labPid, labWebImage, restartLab } from '../fixtures/lab';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from '../fixtures/test-app';
import { Received, startHttpReceiver, startSmtpReceiver } from './receivers';

const PREFIX = 't-alert-';
const SECRET = 'so-test-hmac-secret-0123456789';
jest.setTimeout(300_000);

/** How a receiver checks the webhook's signature, as the README tells it to. */
function verifySignature(r: Received): boolean {
  const timestamp = String(r.headers['x-swarm-timestamp']);
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${r.raw}`).digest('hex')}`;
  const got = String(r.headers['x-swarm-signature'] ?? '');
  return (
    got.length === expected.length &&
    timingSafeEqual(Buffer.from(got), Buffer.from(expected)) &&
    Math.abs(Date.now() / 1000 - Number(timestamp)) < 300
  );
}

/** A service whose task dies after a second with exit code 137 (it waits for a child killed by SIGKILL), restarted after 1 s. */
async function crashLoop(name: string): Promise<void> {
  await labDocker().createService({
    Name: name,
    TaskTemplate: {
      ContainerSpec: { Image: labImage(), Args: ['sh', '-c', 'sleep 1; sleep 30 & kill -9 $!; wait $!'] },
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
    },
    Mode: { Replicated: { Replicas: 1 } },
  } as any);
}

const seenFailures = new Map<string, Set<string>>();
/** Failed tasks of the service seen so far: the swarm keeps only the last few per slot (task history retention), so they are accumulated. */
async function failedTasks(name: string): Promise<number> {
  const tasks = await labDocker().listTasks({ filters: JSON.stringify({ service: [name] }) });
  const seen = seenFailures.get(name) ?? new Set<string>();
  seenFailures.set(name, seen);
  for (const t of tasks as any[]) if (t.Status?.State === 'failed') seen.add(t.ID);
  return seen.size;
}

describe('alerts on the lab: rules fire once, resolve, honour mutes, and reach real receivers', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof startHttpReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const channelIds: Record<string, number> = {};
  const call = async (path: string, init?: Parameters<TestApp['api']>[1]) => {
    const res = await t.api(path, init);
    return { status: res.status, body: (await res.json().catch(() => ({}))) as any };
  };
  const hooks = () => http.on('/hook').map((r) => r.body);
  const firedFor = (service: string, rule: string) =>
    hooks().filter((b) => b.event === 'fired' && b.alert.rule === rule && b.alert.service === service);

  beforeAll(async () => {
    await removeServices(PREFIX);
    http = await startHttpReceiver((path) => (path === '/broken' ? 500 : 200));
    smtp = await startSmtpReceiver();
    t = await startTestApp();
    const channels = [
      { name: 'hook', type: 'webhook', url: `${http.url}/hook`, secret: SECRET },
      { name: 'phone', type: 'ntfy', url: `${http.url}/ops-alerts`, token: 'tk_ntfy_secret', severities: ['critical'] },
      { name: 'chat', type: 'slack', url: `${http.url}/slack/T000/B000/XXXXSECRET`, rules: ['task_failed', 'node_down'] },
      {
        name: 'mail',
        type: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        tls: 'none',
        from: 'swarm@example.test',
        to: ['ops@example.test'],
        rules: ['task_failed'],
      },
      { name: 'broken', type: 'webhook', url: `${http.url}/broken`, secret: SECRET, rules: ['task_failed'] },
    ];
    for (const c of channels) {
      const res = await call('/api/alerts/channels', { method: 'POST', json: c });
      expect(res.status).toBe(201);
      channelIds[c.name] = res.body.id;
    }
  });

  afterAll(async () => {
    await removeServices(PREFIX);
    await t?.close();
    await http?.close();
    smtp?.close();
  });

  it('masks secrets in every answer and refuses a bad channel naming the field', async () => {
    const list = (await call('/api/alerts/channels')).body;
    const byName = Object.fromEntries(list.map((c: any) => [c.name, c]));
    expect(byName.hook.config.secret).toBe('********');
    expect(byName.phone.config.token).toBe('********');
    expect(byName.chat.config.url).toBe(`${http.url}/********`);
    expect(JSON.stringify(list)).not.toMatch(/so-test-hmac|tk_ntfy_secret|XXXXSECRET/);
    const bad = await call('/api/alerts/channels', {
      method: 'POST',
      json: { name: 'x', type: 'webhook', url: 'ftp://nope', secret: 'short' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/url: must be an http\(s\) URL; secret: must be at least 16 characters/);
    const badType = await call('/api/alerts/channels', { method: 'POST', json: { name: 'x', type: 'pager' } });
    expect(badType.status).toBe(400);
    expect(badType.body.message).toMatch(/^type: must be one of webhook, ntfy, slack, email/);
    // an edit that sends the masked secret back keeps the stored one
    const edited = await call(`/api/alerts/channels/${channelIds.hook}`, {
      method: 'PUT',
      json: { ...byName.hook.config, name: 'hook', type: 'webhook' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.config.secret).toBe('********');
  });

  it('"send test" delivers a signed sample that the receiver can verify', async () => {
    const res = await call(`/api/alerts/channels/${channelIds.hook}/test`, { method: 'POST' });
    expect(res.body).toEqual({ ok: true });
    const got = http.on('/hook').find((r) => r.body.event === 'test')!;
    expect(got).toBeDefined();
    expect(verifySignature(got)).toBe(true);
    expect(verifySignature({ ...got, raw: got.raw.replace('test of', 'tost of') })).toBe(false);
    // STARTTLS is required by default: a server that does not offer it is refused, never used in clear
    const strict = await call('/api/alerts/channels', {
      method: 'POST',
      json: {
        name: 'strict',
        type: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        from: 'swarm@example.test',
        to: ['ops@example.test'],
        enabled: false,
      },
    });
    const refused = await call(`/api/alerts/channels/${strict.body.id}/test`, { method: 'POST' });
    expect(refused.body).toEqual({ ok: false, error: expect.stringMatching(/STARTTLS|TLS/) });
    expect((await call(`/api/alerts/channels/${strict.body.id}`, { method: 'DELETE' })).status).toBe(204);
    const failed = await call(`/api/alerts/channels/${channelIds.broken}/test`, { method: 'POST' });
    expect(failed.body).toEqual({ ok: false, error: expect.stringMatching(/^HTTP 500 from 127\.0\.0\.1:\d+: receiver says no/) });
  });

  it('a crash-looping service fires one "task failed" with the exit code, on every channel format; a 500 is retried and shows', async () => {
    const name = `${PREFIX}crash`;
    await crashLoop(name);
    await eventually(async () => (await failedTasks(name)) >= 4, 90_000, 'four failed tasks');
    const fired = await eventually(async () => firedFor(name, 'task_failed')[0], 15_000, 'the task_failed webhook');
    expect(fired.alert.severity).toBe('critical');
    expect(fired.alert.message).toMatch(/exit code 137: stopped by signal 9 \(SIGKILL/);
    expect(fired.alert.details.exitCode).toBe(137);
    // more restarts, still one alert
    const failures = await failedTasks(name);
    await eventually(async () => (await failedTasks(name)) >= failures + 2, 60_000, 'two more failures');
    await new Promise((r) => setTimeout(r, 2000));
    expect(firedFor(name, 'task_failed')).toHaveLength(1);
    const page = (await call('/api/alerts?state=firing')).body;
    expect(page.active.filter((a: any) => a.rule === 'task_failed' && a.service === name)).toHaveLength(1);

    const ntfy = await eventually(
      async () => http.received.find((r) => r.path === '/' && r.body.title?.includes(name)),
      10_000,
      'the ntfy message',
    );
    expect(ntfy.body).toMatchObject({ topic: 'ops-alerts', priority: 5 });
    expect(ntfy.body.title).toMatch(/^\[FIRING critical\] service t-alert-crash: /);
    expect(ntfy.headers.authorization).toBe('Bearer tk_ntfy_secret');
    const slack = await eventually(
      async () => http.received.find((r) => r.path === '/slack/T000/B000/XXXXSECRET' && r.body.text?.includes(name)),
      10_000,
      'the Slack message',
    );
    expect(slack.body.attachments[0]).toMatchObject({ color: '#d92d20', text: expect.stringMatching(/exit code 137/) });
    // long header lines are folded: unfold before reading the subject
    await eventually(
      async () => /Subject: \[FIRING critical\] service t-alert-crash: .*exit code 137/.test(smtp.output().replace(/\r?\n[ \t]+/g, ' ')),
      15_000,
      'the email',
    );
    expect(smtp.output()).toMatch(/To: ops@example.test/);

    // the 500 receiver: retried with backoff, and the failure is on the alerts page
    await eventually(
      async () => http.on('/broken').filter((r) => r.body.event === 'fired').length >= 3,
      20_000,
      'three attempts at the broken receiver',
    );
    const attempts = http
      .on('/broken')
      .filter((r) => r.body.event === 'fired')
      .map((r) => r.at);
    expect(attempts[2] - attempts[1]).toBeGreaterThan(attempts[1] - attempts[0]);
    const status = (await call('/api/alerts')).body.channels.find((c: any) => c.name === 'broken').status;
    expect(status).toMatchObject({ state: 'failing', lastError: expect.stringMatching(/^attempt \d of 6: HTTP 500 from/) });
    expect(status.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect((await call('/api/alerts')).body.channels.find((c: any) => c.name === 'hook').status.state).toBe('ok');

    // removed: the alert resolves, and "resolved" goes where "fired" went
    await labDocker().getService(name).remove();
    await eventually(
      async () => hooks().find((b) => b.event === 'resolved' && b.alert.service === name && b.alert.rule === 'task_failed'),
      20_000,
      'resolved',
    );
  });

  it('a muted service fires nothing, and the alerts page says who muted it', async () => {
    const name = `${PREFIX}muted`;
    const mute = await call('/api/alerts/mutes', {
      method: 'POST',
      json: { scope: 'service', target: name, duration: '10m', reason: 'known broken' },
    });
    expect(mute.status).toBe(201);
    const badMute = await call('/api/alerts/mutes', { method: 'POST', json: { scope: 'service', duration: 'soon' } });
    expect(badMute.status).toBe(400);
    expect(badMute.body.message).toMatch(/target: is required for a service or node mute/);
    expect(badMute.body.message).toMatch(/duration: must be a duration/);
    const before = http.received.length;
    await crashLoop(name);
    await eventually(async () => (await failedTasks(name)) >= 3, 60_000, 'three failed tasks');
    const alert = await eventually(
      async () => (await call('/api/alerts?state=firing')).body.active.find((a: any) => a.service === name),
      15_000,
      'the muted alert recorded',
    );
    await new Promise((r) => setTimeout(r, 3000));
    expect(alert).toMatchObject({ rule: 'task_failed', mutedBy: 'ADMIN_TOKEN', notifications: 0 });
    expect(http.received.slice(before).filter((r) => JSON.stringify(r.body).includes(name))).toEqual([]);
    const history = (await call('/api/alerts/history')).body.events;
    expect(history.find((e: any) => e.kind === 'muted' && e.message.includes(name))).toMatchObject({ actor: 'ADMIN_TOKEN' });
    await labDocker().getService(name).remove();
  });

  it('a rolling update of a healthy service fires nothing', async () => {
    const name = `${PREFIX}rolling`;
    const docker = labDocker();
    await docker.createService({
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: labWebImage() } },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: { Parallelism: 1, Delay: 1_000_000_000, Order: 'stop-first' },
    } as any);
    const running = async () =>
      (await docker.listTasks({ filters: JSON.stringify({ service: [name], 'desired-state': ['running'] }) })).filter(
        (x: any) => x.Status.State === 'running',
      );
    await eventually(async () => (await running()).length === 2, 60_000, 'two replicas running');
    const before = http.received.length;
    const firstTasks = (await running()).map((x: any) => x.ID);
    const svc = docker.getService(name);
    const info: any = await svc.inspect();
    await svc.update({
      ...info.Spec,
      version: info.Version.Index,
      TaskTemplate: { ...info.Spec.TaskTemplate, ContainerSpec: { ...info.Spec.TaskTemplate.ContainerSpec, Env: ['ROLL=1'] } },
    });
    await eventually(
      async () => {
        const now = await running();
        return now.length === 2 && now.every((x: any) => !firstTasks.includes(x.ID));
      },
      90_000,
      'the update rolled through',
    );
    await new Promise((r) => setTimeout(r, 5000));
    expect(http.received.slice(before).filter((r) => JSON.stringify(r.body).includes(name))).toEqual([]);
    expect((await call('/api/alerts')).body.alerts.filter((a: any) => a.service === name)).toEqual([]);
  });

  it('rules: PUT refuses a bad key by name and keeps the file; MCP list_alerts answers what GET /api/alerts does', async () => {
    const bad = await call('/api/alerts/rules', { method: 'PUT', json: { yaml: 'rules:\n  node_dwn: { for: 5s }\n' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('rules.node_dwn: unknown key (line 2)');
    const good = await call('/api/alerts/rules', { method: 'PUT', json: { yaml: 'rules:\n  node_drained: { severity: warning }\n' } });
    expect(good.status).toBe(200);
    expect(good.body.rules.node_drained).toMatchObject({ severity: 'warning', enabled: true });
    expect((await call('/api/alerts/rules')).body.yaml).toBe('rules:\n  node_drained: { severity: warning }\n');
    const client = new Client({ name: 'alerts-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
      }),
    );
    try {
      const tool = (await client.listTools()).tools.find((x) => x.name === 'list_alerts')!;
      expect(tool.annotations?.readOnlyHint).toBe(true);
      const res = (await client.callTool({ name: 'list_alerts', arguments: { state: 'resolved', limit: 5 } })) as any;
      const rest = (await call('/api/alerts?state=resolved&limit=5')).body;
      expect(res.structuredContent.alerts.map((a: any) => a.id)).toEqual(rest.alerts.map((a: any) => a.id));
      expect(res.structuredContent.alerts.length).toBeGreaterThan(0);
      const wrong = (await client.callTool({ name: 'list_alerts', arguments: { state: 'gone' } })) as any;
      expect(wrong.isError).toBe(true);
      expect(wrong.content[0].text).toMatch(/state: must be firing or resolved/);
    } finally {
      await client.close();
    }
  });

  it('rules from a form: PATCH changes one setting and keeps the comments; a bad value is a 400 naming key and line, the file untouched', async () => {
    const before = 'rules:\n  # nights are quiet\n  node_drained: { severity: warning }\n';
    expect((await call('/api/alerts/rules', { method: 'PUT', json: { yaml: before } })).status).toBe(200);
    const patched = await call('/api/alerts/rules', {
      method: 'PATCH',
      json: { rules: { replicas_below: { for: '45s', enabled: true } } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.rules.replicas_below).toMatchObject({ for: 45, enabled: true, severity: 'warning' });
    expect(patched.body.yaml).toContain('# nights are quiet');
    expect(patched.body.yaml).toMatch(/replicas_below:\n\s+for: 45s/);
    expect(patched.body.yaml).not.toMatch(/enabled/);
    const bad = await call('/api/alerts/rules', { method: 'PATCH', json: { rules: { replicas_below: { for: 'soon' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^rules\.replicas_below\.for: must be a duration/);
    const badYaml = await call('/api/alerts/rules', {
      method: 'PUT',
      json: { yaml: 'rules:\n  replicas_below:\n    for: 45s\n    severity: loud\n' },
    });
    expect(badYaml.status).toBe(400);
    expect(badYaml.body.message).toBe('rules.replicas_below.severity: must be one of critical, warning, info (line 4)');
    expect(badYaml.body.problems).toEqual([
      { path: ['rules', 'replicas_below', 'severity'], message: 'must be one of critical, warning, info', line: 4 },
    ]);
    expect((await call('/api/alerts/rules')).body.yaml).toBe(patched.body.yaml);
    // back to the built-in damping for the tests after this one
    await call('/api/alerts/rules', { method: 'PUT', json: { yaml: 'rules: {}\n' } });
  });

  it('a viewer and an operator read rules and mutes but cannot edit rules or channels (403); an operator unmutes', async () => {
    const issue = async (role: string) =>
      (await call('/api/auth/tokens', { method: 'POST', json: { name: `${PREFIX}${role}`, role } })).body.token as string;
    const viewer = await issue('viewer');
    const operator = await issue('operator');
    for (const token of [viewer, operator]) {
      const as = (path: string, init: Parameters<TestApp['api']>[1] = {}) => t.api(path, { ...init, token });
      expect((await as('/api/alerts/rules')).status).toBe(200);
      expect((await as('/api/alerts/mutes')).status).toBe(200);
      expect((await as('/api/alerts/rules', { method: 'PATCH', json: { rules: { node_down: { repeat: '5m' } } } })).status).toBe(403);
      expect((await as('/api/alerts/rules', { method: 'PUT', json: { yaml: 'rules: {}\n' } })).status).toBe(403);
      expect((await as('/api/alerts/channels')).status).toBe(403);
      expect(
        (await as('/api/alerts/channels', { method: 'POST', json: { name: 'x', type: 'slack', url: 'http://127.0.0.1/x' } })).status,
      ).toBe(403);
      expect((await as(`/api/alerts/channels/${channelIds.hook}`, { method: 'DELETE' })).status).toBe(403);
      expect((await as(`/api/alerts/channels/${channelIds.hook}/test`, { method: 'POST' })).status).toBe(403);
    }
    expect((await t.api('/api/alerts/mutes', { method: 'POST', token: viewer, json: { scope: 'global', duration: '1m' } })).status).toBe(
      403,
    );
    const mute = await t.api('/api/alerts/mutes', {
      method: 'POST',
      token: operator,
      json: { scope: 'node', target: 'spark1', duration: '1h' },
    });
    expect(mute.status).toBe(201);
    const { id } = (await mute.json()) as any;
    expect((await call('/api/alerts/mutes')).body).toContainEqual(
      expect.objectContaining({ id, scope: 'node', target: 'spark1', actor: `${PREFIX}operator` }),
    );
    expect((await t.api(`/api/alerts/mutes/${id}`, { method: 'DELETE', token: viewer })).status).toBe(403);
    const ended = await t.api(`/api/alerts/mutes/${id}`, { method: 'DELETE', token: operator });
    expect(ended.status).toBe(200);
    expect((await call('/api/alerts/mutes')).body.map((m: any) => m.id)).not.toContain(id);
    expect((await t.api(`/api/alerts/mutes/${id}`, { method: 'DELETE', token: operator })).status).toBe(404);
    const history = (await call('/api/alerts/history')).body.events;
    expect(history.find((e: any) => e.kind === 'unmuted' && e.message.includes('node spark1'))).toMatchObject({
      actor: `${PREFIX}operator`,
    });
  });

  it("the audit log keeps a channel URL's scheme and host and masks its path, as it masks secrets", async () => {
    const slackUrl = `${http.url}/slack/T111/B222/AUDITSECRET`;
    const created = await call('/api/alerts/channels', { method: 'POST', json: { name: 'audited', type: 'slack', url: slackUrl } });
    expect(created.status).toBe(201);
    await call(`/api/alerts/channels/${created.body.id}`, {
      method: 'PUT',
      json: { name: 'audited', type: 'slack', url: created.body.config.url },
    });
    // the masked URL sent back kept the stored one
    expect((await call('/api/alerts/channels/' + created.body.id + '/test', { method: 'POST' })).body).toEqual({ ok: true });
    expect(http.on('/slack/T111/B222/AUDITSECRET').some((r) => /TEST/.test(r.body.text))).toBe(true);
    const audit = (await call('/api/audit?limit=20')).body.entries.filter((e: any) => /alerts\/channels/.test(e.action));
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toMatch(/AUDITSECRET|T111|so-test-hmac|tk_ntfy_secret/);
    expect(JSON.stringify(audit)).toContain(`${http.url}/********`);
    await call(`/api/alerts/channels/${created.body.id}`, { method: 'DELETE' });
  });

  it('stopping a worker fires "node down" within 2 s of the swarm noticing, and "resolved" when it returns', async () => {
    const docker = labDocker();
    const killedAt = Date.now();
    process.kill(labPid('rog1'), 'SIGKILL');
    let swarmDownAt = 0;
    try {
      swarmDownAt = await eventually(
        async () => {
          const nodes = await docker.listNodes();
          return nodes.find((n: any) => n.Description?.Hostname === 'rog1')?.Status?.State === 'down' && Date.now();
        },
        30_000,
        'the swarm to mark rog1 down',
        100,
      );
      const fired = await eventually(
        async () =>
          http.on('/hook').find((r) => r.body.event === 'fired' && r.body.alert.rule === 'node_down' && r.body.alert.node === 'rog1'),
        10_000,
        'node_down',
      );
      // the swarm's own detection (1 s heartbeat in the lab) plus our 2 s
      expect(fired.at - swarmDownAt).toBeLessThan(2000);
      expect(fired.body.alert).toMatchObject({ severity: 'critical', message: 'node rog1 is down' });
      console.log(
        `node_down: swarm noticed ${swarmDownAt - killedAt} ms after the kill, the webhook came ${fired.at - swarmDownAt} ms later`,
      );
      expect(verifySignature(fired)).toBe(true);
    } finally {
      restartLab();
    }
    const resolved = await eventually(
      async () =>
        http.on('/hook').find((r) => r.body.event === 'resolved' && r.body.alert.rule === 'node_down' && r.body.alert.node === 'rog1'),
      60_000,
      'node_down resolved',
    );
    expect(resolved.body.alert.resolvedAt).toBeDefined();
    expect(http.on('/hook').filter((r) => r.body.event === 'fired' && r.body.alert.rule === 'node_down')).toHaveLength(1);
  });
});
