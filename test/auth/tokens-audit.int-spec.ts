import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { labWebImage } from '../fixtures/lab';
import { errorOf, Schemas } from '../fixtures/api-client';
import { startTestApp, suiteTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-auth-';
jest.setTimeout(120_000);

type Json = any;

async function issue(
  t: TestApp,
  name: string,
  role: Schemas['CreateTokenDto']['role'],
  expiresAt?: string,
): Promise<{ id: string; token: string }> {
  const res = await t.client.POST('/api/auth/tokens', { body: { name, role, expiresAt } });
  expect(res.response.status).toBe(201);
  return res.data!;
}

async function mcpClient(t: TestApp, token: string): Promise<Client> {
  const client = new Client({ name: 'auth-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  );
  return client;
}

describe('tokens, audit and hardening', () => {
  const t = suiteTestApp(PREFIX);

  it('issues a token once, stores only its hash, and tells the caller who it is', async () => {
    const created = await issue(t, 'ci-reader', 'viewer');
    expect(created.token).toMatch(/^so_[A-Za-z0-9_-]{43}$/);
    const me = await t.as(created.token).GET('/api/auth/me');
    expect(me.response.status).toBe(200);
    expect(me.data).toEqual({ name: 'ci-reader', role: 'viewer' });
    const listed = (await t.client.GET('/api/auth/tokens')).data!;
    const entry = listed.find((x) => x.id === created.id);
    expect(entry).toMatchObject({ name: 'ci-reader', role: 'viewer' });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const db = readFileSync(join(t.dataDir, 'catalog.sqlite'));
    expect(db.includes(Buffer.from(created.token))).toBe(false);
  });

  it('refuses a second usable token with the same name, and an expiry in the past', async () => {
    await issue(t, 'twice', 'viewer');
    const again = await t.client.POST('/api/auth/tokens', { body: { name: 'twice', role: 'admin' } });
    expect(again.response.status).toBe(409);
    const past = await t.client.POST('/api/auth/tokens', { body: { name: 'old', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.response.status).toBe(400);
    expect(errorOf(past).message).toMatch(/expiresAt .* is in the past/);
    // a role the document does not allow: a raw request on purpose
    const badRole = await t.api('/api/auth/tokens', { method: 'POST', json: { name: 'x', role: 'root' } });
    expect(badRole.status).toBe(400);
    expect(((await badRole.json()) as Json).message).toMatch(/role: must be one of viewer, operator, admin/);
  });

  it('refuses a revoked token at once', async () => {
    const { id, token } = await issue(t, 'to-revoke', 'operator');
    expect((await t.as(token).GET('/api/auth/me')).response.status).toBe(200);
    expect((await t.client.DELETE('/api/auth/tokens/{id}', { params: { path: { id } } })).response.status).toBe(204);
    const res = await t.as(token).GET('/api/auth/me');
    expect(res.response.status).toBe(401);
    expect(errorOf(res).message).toMatch(/^token "to-revoke" was revoked at /);
    const listed = (await t.client.GET('/api/auth/tokens')).data!;
    expect(listed.find((x) => x.id === id)!.revokedAt).toBeDefined();
    expect(
      (await t.client.DELETE('/api/auth/tokens/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } })).response
        .status,
    ).toBe(404);
  });

  it('refuses an expired token', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const { token } = await issue(t, 'short-lived', 'viewer', expiresAt);
    const before = await t.as(token).GET('/api/auth/me');
    expect(before.data).toEqual({ name: 'short-lived', role: 'viewer', expiresAt });
    await new Promise((r) => setTimeout(r, 1700));
    const after = await t.as(token).GET('/api/auth/me');
    expect(after.response.status).toBe(401);
    expect(errorOf(after).message).toBe(`token "short-lived" expired at ${expiresAt}`);
  });

  it('sends the helmet headers and a CSP without inline scripts on the API, the docs and the SPA', async () => {
    for (const path of ['/api/health', '/api/docs', '/']) {
      const res = await fetch(`${t.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
      await res.body?.cancel();
    }
  });

  it('sends no CORS headers when CORS_ORIGINS is unset', async () => {
    const res = await fetch(`${t.url}/api/health`, { headers: { origin: 'http://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${t.url}/api/services`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 413 with a message for a body over 1 MB', async () => {
    const res = await t.api('/api/services', { method: 'POST', yaml: `name: big\n#${'x'.repeat(1024 * 1024)}` });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Json).message).toMatch(/body is too large/i);
  });

  it('audits a REST deploy with the token name and the secrets masked, and pages the log', async () => {
    const operator = await issue(t, 'deployer', 'operator');
    const name = `${PREFIX}web`;
    const definition = {
      name,
      image: labWebImage(),
      environment: { DB_PASSWORD: 'hunter2-secret', API_TOKEN: 'tok-secret', MODE: 'prod' },
      deploy: { replicas: 1 },
    };
    const asOperator = t.as(operator.token);
    const created = await asOperator.POST('/api/services', { body: definition });
    expect(created.response.status).toBe(201);
    const deployed = await asOperator.POST('/api/services/{name}/deploy', { params: { path: { name }, query: { wait: false } } });
    expect(deployed.response.status).toBe(200);
    // the web app deploys with progress as Server-Sent Events: the streamed answer is audited too
    const streamed = await t.api(`/api/services/${name}/deploy?timeout=60`, {
      method: 'POST',
      token: operator.token,
      headers: { accept: 'text/event-stream' },
    });
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    expect(await streamed.text()).toContain('event: result');
    // a refused call leaves no entry (the guard stops it before the audit), a failed one does
    const missing = await asOperator.POST('/api/services/{name}/deploy', {
      params: { path: { name: `${PREFIX}missing` }, query: { wait: false } },
    });
    expect(missing.response.status).toBe(404);

    const page = (await t.client.GET('/api/audit', { params: { query: { limit: 50 } } })).data!;
    const entries = page.entries as Json[];
    const deploy = entries.find((e) => e.action === 'POST /api/services/:name/deploy' && e.target === name && e.params.query.wait);
    expect(deploy).toMatchObject({
      source: 'rest',
      actor: 'deployer',
      role: 'operator',
      status: 200,
      outcome: 'ok',
      params: { path: { name }, query: { wait: 'false' } },
    });
    expect(entries.filter((e) => e.action === 'POST /api/services/:name/deploy' && e.target === name && e.status === 200)).toHaveLength(2);
    const create = entries.find((e) => e.action === 'POST /api/services' && e.actor === 'deployer');
    expect(create.status).toBe(201);
    expect(create.params.body.environment).toEqual({ DB_PASSWORD: '********', API_TOKEN: '********', MODE: 'prod' });
    const failed = entries.find((e) => e.target === `${PREFIX}missing`);
    expect(failed).toMatchObject({ status: 404, outcome: 'error' });
    expect(failed.error).toContain(`${PREFIX}missing`);
    const text = JSON.stringify(page);
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('tok-secret');
    expect(text).not.toContain(operator.token);
    // token creation is audited too, and the issued token is not in it
    expect(
      entries.some((e) => e.action === 'POST /api/auth/tokens' && e.actor === 'ADMIN_TOKEN' && e.params.body.name === 'deployer'),
    ).toBe(true);

    const first = (await t.client.GET('/api/audit', { params: { query: { limit: 2, offset: 0 } } })).data!;
    const second = (await t.client.GET('/api/audit', { params: { query: { limit: 2, offset: 2 } } })).data!;
    expect(first.entries).toHaveLength(2);
    expect(first.total).toBe(page.total);
    expect(first.entries[0].id).toBeGreaterThan(first.entries[1].id);
    expect(second.entries[0].id).toBeLessThan(first.entries[1].id);
    expect((await t.client.GET('/api/audit', { params: { query: { limit: 0 } } })).response.status).toBe(400);
  });

  it('over MCP: refuses a tool above the role, and audits a deploy with the token name', async () => {
    const viewer = await issue(t, 'agent-viewer', 'viewer');
    const operator = await issue(t, 'agent-operator', 'operator');
    const name = `${PREFIX}mcp`;
    const asViewer = await mcpClient(t, viewer.token);
    try {
      const refused = (await asViewer.callTool({ name: 'deploy_service', arguments: { name, image: labWebImage() } })) as Json;
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toBe('forbidden: needs operator; the token "agent-viewer" is viewer');
      const read = (await asViewer.callTool({ name: 'list_services', arguments: {} })) as Json;
      expect(read.isError).toBeFalsy();
    } finally {
      await asViewer.close();
    }
    const asOperator = await mcpClient(t, operator.token);
    try {
      const deployed = (await asOperator.callTool(
        { name: 'deploy_service', arguments: { name, image: labWebImage(), replicas: 1 } },
        undefined,
        { timeout: 110_000 },
      )) as Json;
      expect(deployed.isError).toBeFalsy();
    } finally {
      await asOperator.close();
    }
    const entries = (await t.client.GET('/api/audit', { params: { query: { limit: 100 } } })).data!.entries as Json[];
    expect(entries.find((e) => e.source === 'mcp' && e.action === 'deploy_service')).toMatchObject({
      actor: 'agent-operator',
      role: 'operator',
      target: name,
      outcome: 'ok',
      params: { name, image: labWebImage(), replicas: 1 },
    });
    // reads are not audited, nor is the MCP transport's own POST /mcp
    expect(entries.some((e) => e.action === 'list_services' || e.action.includes('/mcp'))).toBe(false);
  });
});

describe('first start, CORS_ORIGINS and failed authentication', () => {
  let t: TestApp;
  const origin = 'http://ops.example:8080';
  beforeAll(async () => {
    t = await startTestApp({ ADMIN_TOKEN: '', AUTH_RATE_LIMIT: '10', CORS_ORIGINS: `${origin}, https://other.example` });
  });
  afterAll(async () => t?.close());

  it('issues the first admin token into DATA_DIR/admin-token with mode 0600', async () => {
    const file = join(t.dataDir, 'admin-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^so_/);
    const me = await t.as(token).GET('/api/auth/me');
    expect(me.data).toEqual({ name: 'admin', role: 'admin' });
    // the test admin token is not configured here
    expect((await t.client.GET('/api/auth/me')).response.status).toBe(401);
  });

  it('allows the origins CORS_ORIGINS names, and no other', async () => {
    const preflight = (from: string) =>
      fetch(`${t.url}/api/services`, {
        method: 'OPTIONS',
        headers: { origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight(origin);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rate-limits an address after ten bad tokens in a row, even for a good token then', async () => {
    const good = readFileSync(join(t.dataDir, 'admin-token'), 'utf8').trim();
    // a success resets the count: the ten below are in a row
    expect((await t.as(good).GET('/api/auth/me')).response.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await t.as(`so_guess${i}`).GET('/api/services')).response.status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 429]);
    const blocked = await t.as(good).GET('/api/auth/me');
    expect(blocked.response.status).toBe(429);
    expect(Number(blocked.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(errorOf(blocked).message).toMatch(/too many failed authentications/);
    // public routes stay open
    expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
  });
});
