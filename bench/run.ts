/**
 * npm run bench: the product's speed against its references, measured in one
 * run on the lab (scripts/lab.sh up first; DOCKER_HOST etc. from its lab.env).
 * Prints a table and writes docs/benchmarks.md. Not a test: nothing asserts.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SwarmEngine } from '@app/swarm';
import { labDocker, removeServices } from '../test/fixtures/docker';
import { labEnv, labImage, labWebImage } from '../test/fixtures/lab';
import { collectSse } from '../test/fixtures/sse';
import { startTestApp } from '../test/fixtures/test-app';
import { benchImageLifecycle } from './images.bench';
import { benchStacks } from './stacks.bench';
import { benchAgent } from './agent.bench';

const ROOT = join(__dirname, '..');
/** The stdio server exactly as Claude Code starts it: .mcp.json's command and arguments, from the project root. */
const MCP_JSON_SERVER: { command: string; args: string[]; env?: Record<string, string> } = JSON.parse(
  readFileSync(join(ROOT, '.mcp.json'), 'utf8'),
).mcpServers['swarm-orchestrator'];
/** The bare SDK server, started the same way (node itself). */
const BARE_SERVER = { command: 'node', args: [join(__dirname, 'bare-mcp-server.mjs')], env: {} };
const PREFIX = 'bench-';
const rows: string[][] = [];
const docker = labDocker();
const cli = (args: string[]) =>
  execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST: labEnv().DOCKER_HOST }, stdio: ['ignore', 'pipe', 'pipe'] });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const ms = (n: number) => `${n.toFixed(1)} ms`;
async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
async function samples(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await time(fn));
  return out;
}
function row(what: string, ours: string, reference: string, ratio: string, goal: string) {
  rows.push([what, ours, reference, ratio, goal]);
  console.log(`${what.padEnd(46)} ${ours.padEnd(26)} ${reference.padEnd(34)} ${ratio.padEnd(10)} ${goal}`);
}

async function createServices(n: number, existing: number) {
  for (let i = existing; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, (_, k) =>
        docker.createService({
          Name: `${PREFIX}svc-${i + k}`,
          TaskTemplate: { ContainerSpec: { Image: labImage(), Args: ['sleep', '3600'] } },
          Mode: { Replicated: { Replicas: 0 } },
        } as any),
      ),
    );
  }
}

/** 5. MCP cold start → first tools/list through the .mcp.json command, vs a bare SDK server started the same way. */
async function benchMcpColdStart(row: (what: string, ours: string, reference: string, ratio: string, goal: string) => void): Promise<void> {
  const coldStart = async (
    server: { command: string; args: string[]; env?: Record<string, string> },
    env: Record<string, string>,
    holdMs = 0,
  ) => {
    const started = performance.now();
    const client = new Client({ name: 'bench', version: '1' });
    const transport = new StdioClientTransport({
      command: server.command,
      args: server.args,
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...server.env, ...env },
      stderr: 'ignore',
    });
    await client.connect(transport);
    await client.listTools();
    const elapsed = performance.now() - started;
    const callStart = performance.now();
    if (server === MCP_JSON_SERVER) await client.callTool({ name: 'list_services', arguments: {} });
    const call = performance.now() - callStart;
    // a session that lives a few seconds lets the launcher save its code cache
    await new Promise((r) => setTimeout(r, holdMs));
    // the client closes stdin and waits for the exit (then SIGTERM at 2 s): how long a session's end takes
    const closeStart = performance.now();
    await client.close();
    return { elapsed, call, close: performance.now() - closeStart };
  };
  const dir = mkdtempSync(join(tmpdir(), 'so-bench-'));
  const env = { ...labEnv(), DATA_DIR: join(dir, 'data'), DEFINITIONS_DIR: join(dir, 'defs'), LOG_LEVEL: 'warn' };
  rmSync(`${join(ROOT, 'dist/mcp/server.js')}.cache`, { force: true });
  const firstStart = await coldStart(MCP_JSON_SERVER, env, 4000);
  const ourMcp = [];
  const bare = [];
  for (let i = 0; i < 5; i++) {
    ourMcp.push(await coldStart(MCP_JSON_SERVER, env));
    bare.push(await coldStart(BARE_SERVER, {}));
  }
  const ourCold = median(ourMcp.map((x) => x.elapsed));
  const bareCold = median(bare.map((x) => x.elapsed));
  const command = [MCP_JSON_SERVER.command, ...MCP_JSON_SERVER.args].join(' ');
  row(
    `MCP stdio cold start → tools/list (\`${command}\`, from .mcp.json)`,
    `${ms(ourCold)} (first start after a build ${ms(firstStart.elapsed)})`,
    `bare SDK server ${ms(bareCold)}`,
    `${(ourCold / bareCold).toFixed(2)}×`,
    '< 2×',
  );
  row('MCP list_services call (warm)', ms(median(ourMcp.map((x) => x.call))), '–', '–', '–');
  row(
    'MCP stdio session end: stdin closed → server exited',
    ms(median(ourMcp.map((x) => x.close))),
    `bare SDK server ${ms(median(bare.map((x) => x.close)))}`,
    '–',
    '< 1 s',
  );
}

/** Sections that run alone with BENCH_ONLY=name[,name]: they print their rows and leave docs/benchmarks.md as it is. */
const SECTIONS: Record<string, (r: typeof row) => Promise<void>> = {
  images: benchImageLifecycle,
  stacks: benchStacks,
  mcp: benchMcpColdStart,
  agent: benchAgent,
};

async function main() {
  if (process.env.BENCH_ONLY) {
    for (const name of process.env.BENCH_ONLY.split(',')) {
      if (!SECTIONS[name]) throw new Error(`BENCH_ONLY: no section "${name}"; sections: ${Object.keys(SECTIONS).join(', ')}`);
      await SECTIONS[name](row);
    }
    process.exit(0);
  }
  await removeServices(PREFIX);
  const t = await startTestApp({ HEALTH_POLL_INTERVAL: '5' });
  const engine = t.app.get(SwarmEngine);
  const get = (path: string) => t.api(path).then((r) => r.arrayBuffer());
  console.log(`${'measure'.padEnd(46)} ${'ours'.padEnd(26)} ${'reference'.padEnd(34)} ${'ratio'.padEnd(10)} goal`);

  // 1. live services listing
  let existing = 0;
  for (const n of [10, 100, 500]) {
    await createServices(n, existing);
    existing = n;
    await get('/api/services/live');
    const before = engine.callCount;
    await get('/api/services/live');
    const calls = engine.callCount - before;
    const ours = await samples(30, () => get('/api/services/live'));
    const raw = await samples(30, () =>
      Promise.all([docker.listServices(), docker.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }) })]),
    );
    const cliTimes = await samples(5, async () => cli(['service', 'ls']));
    row(
      `live services, ${n} services (${calls} Engine calls)`,
      `${ms(median(ours))} p95 ${ms(pct(ours, 95))}`,
      `raw ${ms(median(raw))} / CLI ${ms(median(cliTimes))}`,
      `${(median(ours) / median(raw)).toFixed(2)}× raw`,
      '≤1.3× raw, < CLI',
    );
  }
  await removeServices(PREFIX);

  // 2. health under load: /api/health/detailed vs /api/health, 20 concurrent clients
  for (const path of ['/api/health', '/api/health/detailed']) {
    const lat: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let i = 0; i < 150; i++) lat.push(await time(() => get(path)));
      }),
    );
    const rps = lat.length / ((performance.now() - started) / 1000);
    (main as any)[path] = { rps, p99: pct(lat, 99) };
  }
  const live = (main as any)['/api/health'];
  const detailed = (main as any)['/api/health/detailed'];
  row(
    'health: req/s and p99 (20 clients)',
    `${detailed.rps.toFixed(0)}/s p99 ${ms(detailed.p99)}`,
    `/api/health ${live.rps.toFixed(0)}/s p99 ${ms(live.p99)}`,
    `${(detailed.rps / live.rps).toFixed(2)}×`,
    '≥0.8×',
  );

  // 3. change latency: `docker service scale` by the CLI → the event on /api/events
  await docker.createService({
    Name: `${PREFIX}scale`,
    TaskTemplate: { ContainerSpec: { Image: labImage(), Args: ['sleep', '3600'] } },
    Mode: { Replicated: { Replicas: 0 } },
  } as any);
  await new Promise((r) => setTimeout(r, 1500));
  const latencies: number[] = [];
  for (let i = 1; i <= 8; i++) {
    const sse = collectSse(await t.api('/api/events'));
    await sse.waitFor((e) => e.event === 'snapshot', 5000, 'snapshot');
    const started = Date.now();
    cli(['service', 'scale', '--detach', `${PREFIX}scale=${i % 2}`]);
    const e = await sse.waitFor(
      (x) => x.data?.subject === `${PREFIX}scale` && (x.event === 'service' || x.event === 'replicas'),
      10_000,
      'the scale',
    );
    latencies.push(e.receivedAt - started);
    await sse.stop();
  }
  row('change latency: CLI scale → SSE event', `median ${ms(median(latencies))}`, '(CLI command returns)', '–', '< 1000 ms');

  // 4. deploy to convergence vs docker service create --detach=false
  const ourDeploy: number[] = [];
  const cliDeploy: number[] = [];
  for (let i = 0; i < 3; i++) {
    const name = `${PREFIX}dep-${i}`;
    await t.api('/api/services', { method: 'POST', json: { name, image: labWebImage(), deploy: { replicas: 2 } } });
    ourDeploy.push(await time(() => t.api(`/api/services/${name}/deploy?wait=true`, { method: 'POST' }).then((r) => r.json())));
    cliDeploy.push(
      await time(async () =>
        cli(['service', 'create', '--detach=false', '--quiet', '--name', `${PREFIX}cli-${i}`, '--replicas', '2', labWebImage()]),
      ),
    );
  }
  row(
    'deploy to convergence, 2 replicas',
    `median ${ms(median(ourDeploy))}`,
    `docker service create ${ms(median(cliDeploy))}`,
    `${(median(ourDeploy) / median(cliDeploy)).toFixed(2)}×`,
    '≤1.1×',
  );
  await removeServices(PREFIX);

  // 4b. image lifecycle: push → "update available" on the event stream; push → converged redeploy vs the CLI
  await benchImageLifecycle(row);

  // 4c. stacks: a 10-service stack to convergence vs docker stack deploy; the merged logs of 10 services followed
  await benchStacks(row);

  // 5. MCP cold start → first tools/list, vs a bare SDK server
  await benchMcpColdStart(row);

  // 5b. the node agent: its memory and CPU at 30 tasks, the app's added CPU with 3 agents, sample-to-chart delay
  await benchAgent(row);

  // 6. memory of the built app, idle and after listing 500 services many times
  const memDir = mkdtempSync(join(tmpdir(), 'so-bench-'));
  const env = { ...labEnv(), DATA_DIR: join(memDir, 'data'), DEFINITIONS_DIR: join(memDir, 'defs'), LOG_LEVEL: 'warn' };
  const port = 19900 + Math.floor(Math.random() * 90);
  const proc = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      ADMIN_TOKEN: 'so_bench_token_0123456789abcdef',
    },
    stdio: 'ignore',
  });
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024;
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 3000));
  const idle = rss();
  await createServices(500, 0);
  for (let i = 0; i < 200; i++)
    await fetch(`http://127.0.0.1:${port}/api/services/live`, {
      headers: { authorization: 'Bearer so_bench_token_0123456789abcdef' },
    }).then((r) => r.arrayBuffer());
  const loaded1 = rss();
  // then poll as the dashboard does, once a second, for BENCH_SOAK_SECONDS (600 by default)
  const soakSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
  const soakEnd = Date.now() + soakSeconds * 1000;
  let polls = 0;
  while (Date.now() < soakEnd) {
    await Promise.all(
      ['/api/services/live', '/api/health/detailed', '/api/services'].map((p) =>
        fetch(`http://127.0.0.1:${port}${p}`, { headers: { authorization: 'Bearer so_bench_token_0123456789abcdef' } }).then((r) =>
          r.arrayBuffer(),
        ),
      ),
    );
    polls++;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const loaded2 = rss();
  proc.kill();
  await removeServices(PREFIX);
  row(
    'API resident memory',
    `idle ${idle.toFixed(0)} MiB`,
    `500 services: ${loaded1.toFixed(0)} MiB → ${loaded2.toFixed(0)} MiB after ${soakSeconds} s polling (${polls} rounds)`,
    '–',
    'no growth beyond noise',
  );

  // 7. web: initial JS + CSS, gzip
  const assets = join(ROOT, 'apps/web/dist/assets');
  const index = readFileSync(join(ROOT, 'apps/web/dist/index.html'), 'utf8');
  const initial = readdirSync(assets).filter((f) => index.includes(f));
  const gz = initial.reduce((s, f) => s + gzipSync(readFileSync(join(assets, f))).length, 0);
  const rawSize = initial.reduce((s, f) => s + statSync(join(assets, f)).size, 0);
  row('web: initial JS + CSS', `${(gz / 1024).toFixed(1)} KiB gzip`, `${(rawSize / 1024).toFixed(1)} KiB raw`, '–', '–');

  await t.close();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, lab: 3 dockerd (Engine 20.10) in network namespaces on one machine`;
  const md = [
    '# Benchmarks',
    '',
    `Run with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; machine: ${machine}.`,
    'Each figure is measured against its reference in the same run (median unless said).',
    '',
    '| measure | ours | reference | ratio | goal |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), md);
  console.log('\nwrote docs/benchmarks.md');
  process.exit(0);
}

void main().catch(async (err) => {
  console.error(err);
  await removeServices(PREFIX).catch(() => undefined);
  process.exit(1);
});
