/**
 * npm run soak: an hour (SOAK_SECONDS) of what an operator's day looks like on
 * the lab — the dashboard polling, the event stream open, a deploy/scale loop —
 * against the built app, reporting its memory and every error. Not for CI.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppProcess } from '../test/fixtures/app-process';
import { removeServices } from '../test/fixtures/docker';
import { labWebImage } from '../test/fixtures/lab';
import { collectSse } from '../test/fixtures/sse';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 3600);
const TOKEN = 'so_soak_token_0123456789abcdefgh';
const NAME = 'soak-web';

async function main() {
  await removeServices('soak-');
  const dir = mkdtempSync(join(tmpdir(), 'so-soak-'));
  const { proc, url: base } = await startAppProcess({
    ADMIN_TOKEN: TOKEN,
    DATA_DIR: join(dir, 'data'),
    DEFINITIONS_DIR: join(dir, 'defs'),
    HEALTH_POLL_INTERVAL: '10',
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
    });
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024;

  const counts = { requests: 0, errors: 0, deploys: 0, scales: 0 };
  const errors: string[] = [];
  const check = async (what: string, p: Promise<Response>) => {
    counts.requests++;
    try {
      const res = await p;
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${res.status}`);
    } catch (err) {
      counts.errors++;
      if (errors.length < 20) errors.push(`${what}: ${(err as Error).message}`);
    }
  };
  await check(
    'create',
    api('/api/services', { method: 'POST', body: JSON.stringify({ name: NAME, image: labWebImage(), deploy: { replicas: 1 } }) }),
  );
  const sse = collectSse(await api('/api/events'));
  const memory: number[] = [rss()];
  const started = Date.now();
  let tick = 0;
  while (Date.now() - started < SECONDS * 1000) {
    await Promise.all(['/api/services/live', '/api/health/detailed', '/api/services', '/api/nodes'].map((p) => check(`GET ${p}`, api(p))));
    if (tick % 10 === 0) {
      counts.scales++;
      await check(
        'scale',
        api(`/api/services/${NAME}/scale`, { method: 'POST', body: JSON.stringify({ replicas: 1 + ((tick / 10) % 3) }) }),
      );
    }
    if (tick % 30 === 0) {
      counts.deploys++;
      await check('deploy', api(`/api/services/${NAME}/deploy?wait=true&timeout=60`, { method: 'POST' }));
    }
    if (tick % 30 === 0) memory.push(rss());
    tick++;
    await new Promise((r) => setTimeout(r, 1000));
  }
  memory.push(rss());
  await sse.stop();
  proc.kill();
  await removeServices('soak-');
  const summary = {
    seconds: SECONDS,
    ...counts,
    sseEvents: sse.events.length,
    rssMiB: {
      first: memory[0].toFixed(0),
      min: Math.min(...memory).toFixed(0),
      max: Math.max(...memory).toFixed(0),
      last: memory[memory.length - 1].toFixed(0),
    },
    firstErrors: errors,
  };
  console.log(JSON.stringify(summary, null, 2));
  process.exit(counts.errors ? 1 : 0);
}

void main();
