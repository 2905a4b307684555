import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labImage } from '../fixtures/lab';
import { startTestApp, suiteTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-http-';
jest.setTimeout(120_000);

type OpenApi = { paths: Record<string, Record<string, { requestBody?: { required?: boolean } }>> };

/** Every POST of the committed OpenAPI document that needs no body: the action routes. */
function actionRoutes(): string[] {
  const doc = JSON.parse(readFileSync(join(__dirname, '../../apps/api/openapi.json'), 'utf8')) as OpenApi;
  return Object.entries(doc.paths)
    .filter(([, ops]) => ops.post && !ops.post.requestBody?.required)
    .map(([path]) => path);
}

const json = (body = '') => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('an action without a body works whatever the content type says', () => {
  const t = suiteTestApp(PREFIX);

  it('deploys, rolls back, stops, drains and activates with Content-Type: application/json and an empty body', async () => {
    const name = `${PREFIX}web`;
    expect((await t.api('/api/services', { method: 'POST', json: { name, image: labImage(), deploy: { replicas: 0 } } })).status).toBe(201);

    const deployed = await t.api(`/api/services/${name}/deploy`, json());
    expect(deployed.status).toBe(200);
    expect(await deployed.json()).toMatchObject({ name, action: 'created' });
    // a charset parameter and whitespace only are no body too
    const again = await t.api(`/api/services/${name}/deploy`, {
      ...json(' \n'),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ name, action: 'unchanged' });

    // the same answer as without a content type, whatever the route makes of it
    const rolledBack = await t.api(`/api/services/${name}/rollback`, json());
    const bare = await t.api(`/api/services/${name}/rollback`, { method: 'POST' });
    expect(rolledBack.status).toBe(bare.status);
    expect(((await rolledBack.json()) as { message?: string }).message).toBe(((await bare.json()) as { message?: string }).message);

    const stopped = await t.api(`/api/services/${name}/stop`, json());
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toEqual({ name, stopped: true });

    const drained = await t.api('/api/nodes/rog1/drain', json());
    expect(drained.status).toBe(200);
    expect(await drained.json()).toMatchObject({ hostname: 'rog1', availability: 'drain' });
    const activated = await t.api('/api/nodes/rog1/activate', json());
    expect(activated.status).toBe(200);
    expect(await activated.json()).toMatchObject({ hostname: 'rog1', availability: 'active' });
  });

  it('never answers "Body cannot be empty" on any action route of the document', async () => {
    const routes = actionRoutes();
    expect(routes).toEqual(
      expect.arrayContaining([
        '/api/services/{name}/deploy',
        '/api/services/{name}/stop',
        '/api/services/{name}/rollback',
        '/api/nodes/{id}/drain',
        '/api/nodes/{id}/activate',
      ]),
    );
    const wrong: string[] = [];
    for (const path of routes) {
      const url = path.replace(/\{\w+\}/g, `${PREFIX}nothing`);
      const res = await t.api(url, json());
      const body = (await res.json()) as { message?: string };
      // a missing target is a 404 (or a 4xx that names why), never a complaint about the body
      if (res.status === 400 && /body/i.test(body.message ?? '')) wrong.push(`POST ${url} -> ${res.status} ${body.message}`);
      if (res.status >= 500) wrong.push(`POST ${url} -> ${res.status} ${body.message}`);
    }
    expect(wrong).toEqual([]);
  });

  it('still refuses a non-empty body that is not JSON with a 400 that says so', async () => {
    const res = await t.api('/api/nodes/rog1/drain', json('{"force": tru'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/JSON/);
    const poisoned = await t.api('/api/nodes/rog1/drain', json('{"__proto__": {"force": true}}'));
    expect(poisoned.status).toBe(400);
  });
});

describe('the request log', () => {
  /** Starts an app with NODE_ENV=production at `level`, calls GET /api/nodes with a known request id, and returns the log line. */
  async function requestLine(level: string): Promise<{ text: string; line: Record<string, any> }> {
    const written: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(chunk.toString());
      return true;
    });
    let t: TestApp | undefined;
    try {
      t = await startTestApp({ NODE_ENV: 'production', LOG_LEVEL: level });
      const id = `log-${level}-${Date.now()}`;
      const res = await t.api('/api/nodes', { headers: { 'x-request-id': id } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe(id);
      await res.arrayBuffer();
      // the line is written when the response finishes
      for (let i = 0; i < 50 && !written.some((w) => w.includes(id)); i++) await new Promise((r) => setTimeout(r, 20));
      const text = written.find((w) => w.includes(id) && w.includes('"res"'));
      if (!text) throw new Error(`no request line for ${id} in:\n${written.join('')}`);
      return { text, line: JSON.parse(text) };
    } finally {
      await t?.close();
      write.mockRestore();
    }
  }

  it('logs method, path, status, time and request id, and no headers, at info level', async () => {
    const { text, line } = await requestLine('info');
    expect(line.req).toEqual({ id: expect.stringMatching(/^log-info-/), method: 'GET', url: '/api/nodes' });
    expect(line.res).toEqual({ statusCode: 200 });
    expect(typeof line.responseTime).toBe('number');
    expect(text).not.toMatch(/headers|authorization|content-security-policy/);
    expect(text.length).toBeLessThan(400);
  });

  it('adds the headers at debug level, with the token redacted', async () => {
    const { text, line } = await requestLine('debug');
    expect(line.req).toMatchObject({ method: 'GET', url: '/api/nodes', headers: { authorization: '[Redacted]' } });
    expect(line.res.headers).toHaveProperty('content-security-policy');
    expect(text).not.toContain('so_test_admin');
  });
});
