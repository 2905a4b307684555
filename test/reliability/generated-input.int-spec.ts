import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startTestApp, TestApp } from '../fixtures/test-app';

jest.setTimeout(300_000);

type Operation = { method: string; path: string; hasBody: boolean; query: string[] };

/** Every operation of the committed OpenAPI document (the unit suite proves it current). */
function operations(): Operation[] {
  const doc = JSON.parse(readFileSync(join(__dirname, '../../apps/api/openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, any>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      hasBody: !!op.requestBody,
      query: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name),
    })),
  );
}

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('..', '../../etc/passwd', '%2e%2e%2f%2e%2e', 'a'.repeat(300), 'web', 'mini2\u0000', '😀', ' '),
);
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    { name: segment, image: fc.string({ maxLength: 30 }), replicas: fc.oneof(fc.integer(), fc.string(), fc.double()) },
    { requiredKeys: [] },
  ),
  fc.record({ replicas: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.string(), fc.constant(null)) }),
);

/** Every file under `root`, to prove nothing was written outside DEFINITIONS_DIR. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as any).path, e.name));
}

describe('generated bad input on every route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('never answers 5xx, always gives a 4xx a message, and writes nothing outside DEFINITIONS_DIR', async () => {
    const root = dirname(t.definitionsDir);
    const before = new Set(filesUnder(root));
    const ops = operations();
    expect(ops.length).toBeGreaterThan(25);
    const seen: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom('wait', 'timeout', 'force', 'tail', 'since', 'follow', 'timestamps', 'limit', 'offset', 'q', 'x'),
          fc.string({ maxLength: 12 }),
          { maxKeys: 3 },
        ),
        jsonValue,
        fc.boolean(),
        async (op, params, query, body, asYaml) => {
          let i = 0;
          const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[i++]));
          // following a log stream would wait forever by design: keep the generated calls finite
          const q = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'follow' && k !== 'wait'));
          const init: Parameters<TestApp['api']>[1] = { method: op.method };
          if (op.hasBody) {
            if (asYaml)
              Object.assign(init, {
                body: typeof body === 'string' ? body : JSON.stringify(body),
                headers: { 'content-type': 'application/yaml' },
              });
            else init.json = body;
          }
          const res = await t.api(`${path}${q.size ? `?${q}` : ''}`, { ...init, signal: AbortSignal.timeout(20_000) });
          if (res.headers.get('content-type')?.includes('text/event-stream')) {
            // an event stream that opened is an answer; it never ends by itself
            await res.body?.cancel();
            seen.push(`${op.method} ${op.path} ${res.status}`);
            return;
          }
          const text = await res.text();
          seen.push(`${op.method} ${op.path} ${res.status}`);
          if (res.status >= 500) throw new Error(`${op.method} ${path}?${q} answered ${res.status}: ${text.slice(0, 300)}`);
          if (res.status >= 400) {
            const message = (JSON.parse(text) as { message?: string }).message;
            if (!message) throw new Error(`${op.method} ${path} answered ${res.status} without a message`);
          }
        },
      ),
      { numRuns: 500, seed: 20261124 },
    );
    const created = filesUnder(root).filter((f) => !before.has(f));
    const outside = created.filter((f) => !f.startsWith(t.definitionsDir + '/') && !f.startsWith(t.dataDir + '/'));
    expect(outside).toEqual([]);
    expect(new Set(seen.map((s) => s.split(' ').slice(0, 2).join(' '))).size).toBeGreaterThan(20);
  });
});
