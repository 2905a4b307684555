import { randomUUID } from 'node:crypto';
import { RouteRoles } from '../../apps/api/src/auth/route-roles';
import { startTestApp, TestApp } from '../fixtures/test-app';

jest.setTimeout(60_000);

type OpenApi = { paths: Record<string, Record<string, { operationId?: string; 'x-required-role'?: string }>> };
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** A path of the OpenAPI document with its parameters replaced by plausible values. */
function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, p: string) => (/id$/i.test(p) ? randomUUID() : 'so-auth-dummy')).replace(/\*/g, 'so-auth-dummy/x');
}

describe('access control on every route of the OpenAPI document', () => {
  let t: TestApp;
  let operations: { method: string; path: string; url: string; documented: boolean }[];
  let roles: ReturnType<RouteRoles['list']>;
  const tokens: Record<'viewer' | 'operator', string> = { viewer: '', operator: '' };

  const accessOf = (method: string, path: string) =>
    roles.find((r) => (r.method === method.toUpperCase() || r.method === 'ALL') && r.path === path)?.access;
  // every route of the document with made-up parameters: raw requests on purpose
  const walk = (o: { method: string; url: string }, token: string | null) =>
    t.api(o.url, { method: o.method.toUpperCase(), token, signal: AbortSignal.timeout(15_000) });

  beforeAll(async () => {
    t = await startTestApp();
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as OpenApi;
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((method) => ({ method, path, url: concrete(path), documented: true })),
    );
    roles = t.app.get(RouteRoles).list();
    // routes left out of the document (/mcp, /metrics, wildcard aliases) are walked too
    const documented = new Set(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    for (const r of roles.filter((r) => !documented.has(`${r.method} ${r.path}`))) {
      const method = r.method === 'ALL' ? 'post' : r.method.toLowerCase();
      operations.push({ method, path: r.path, url: concrete(r.path), documented: false });
    }
    for (const role of ['viewer', 'operator'] as const) {
      const res = await t.client.POST('/api/auth/tokens', { body: { name: `walk-${role}`, role } });
      expect(res.response.status).toBe(201);
      tokens[role] = res.data!.token;
    }
  });
  afterAll(async () => t?.close());

  it('finds a declared access (public or a role) for every operation of the document and every controller route', () => {
    expect(operations.filter((o) => o.documented).length).toBeGreaterThan(20);
    const undeclared = operations.filter((o) => !['public', 'role'].includes(accessOf(o.method, o.path)?.kind ?? 'missing'));
    expect(undeclared.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual([]);
    expect(accessOf('get', '/api/health')).toEqual({ kind: 'public' });
    expect(accessOf('post', '/api/auth/tokens')).toEqual({ kind: 'role', role: 'admin' });
  });

  it('answers 401 without a token on every route but the public ones', async () => {
    const wrong: string[] = [];
    for (const o of operations) {
      const res = await walk(o, null);
      const isPublic = accessOf(o.method, o.path)?.kind === 'public';
      if (isPublic ? res.status === 401 : res.status !== 401) wrong.push(`${o.method.toUpperCase()} ${o.url} -> ${res.status}`);
      if (!isPublic) {
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(((await res.json()) as { message: string }).message).toMatch(/missing bearer token/);
      } else {
        await res.body?.cancel();
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps health, the OpenAPI document and Swagger UI open', async () => {
    for (const path of ['/api/health', '/api/docs', '/api/docs-json']) {
      expect((await fetch(`${t.url}${path}`)).status).toBe(200);
    }
  });

  it('answers 403 to a viewer token on every non-GET route, naming the role needed', async () => {
    const wrong: string[] = [];
    // /mcp is the one viewer route that takes POST: each MCP tool checks its own role (tested below)
    const writes = operations.filter((o) => o.method !== 'get' && o.path !== '/mcp' && accessOf(o.method, o.path)?.kind !== 'public');
    expect(writes.length).toBeGreaterThan(10);
    for (const o of writes) {
      const res = await walk(o, tokens.viewer);
      const body = (await res.json()) as { message: string };
      if (res.status !== 403 || !/^forbidden: needs (operator|admin); the token "walk-viewer" is viewer/.test(body.message)) {
        wrong.push(`${o.method.toUpperCase()} ${o.url} -> ${res.status} ${body.message}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 to an operator token on every admin route (as the handlers declare them)', async () => {
    const adminOps = operations.filter((o) => {
      const access = accessOf(o.method, o.path);
      return access?.kind === 'role' && access.role === 'admin';
    });
    // drain, labels, deletes, tokens, audit at least
    expect(adminOps.length).toBeGreaterThanOrEqual(6);
    const wrong: string[] = [];
    for (const o of adminOps) {
      const res = await walk(o, tokens.operator);
      if (res.status !== 403) wrong.push(`${o.method.toUpperCase()} ${o.url} -> ${res.status}`);
      await res.body?.cancel();
    }
    expect(wrong).toEqual([]);
  });

  it('documents each operation’s least role for clients (x-required-role)', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as OpenApi;
    for (const o of operations.filter((o) => o.documented)) {
      const access = accessOf(o.method, o.path);
      if (access?.kind === 'role') expect(doc.paths[o.path][o.method]['x-required-role']).toBe(access.role);
    }
  });

  it('requires a token on /mcp too', async () => {
    const res = await fetch(`${t.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    const bad = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: { authorization: 'Bearer so_nope', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { message: string }).message).toBe('invalid token');
  });
});
