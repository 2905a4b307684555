/**
 * The stacks' section of npm run bench (BENCH_ONLY=stacks runs it alone):
 * 1. a 10-service stack to convergence through the REST API (POST /api/stacks,
 *    then POST /api/stacks/{name}/deploy?wait=true) against `docker stack deploy`
 *    plus the same wait (every service's tasks running and stable for the same
 *    monitor window, by the library's own waitForConvergence), alternately;
 * 2. the merged log of 10 services followed over SSE: lines per second received
 *    against lines written, and the delay from a line written to a line received,
 *    against 10 `docker service logs --follow` at once, alternately.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SwarmServices } from '@app/swarm';
import { dockerCli, labDocker } from '../test/fixtures/docker';
import { labEnv } from '../test/fixtures/lab';
import { collectSse } from '../test/fixtures/sse';
import { startTestApp, type TestApp } from '../test/fixtures/test-app';

type Row = (what: string, ours: string, reference: string, ratio: string, goal: string) => void;

const SERVICES = 10;
const OURS = 'benchstk-ours';
const CLI = 'benchstk-cli';
const LOGS = 'benchstk-logs';
/** Each logging service writes one line every LINE_EVERY_MS. */
const LINE_EVERY_MS = 50;
/** Lines are counted in a window after a warm-up, on each side, each round. */
const WARMUP_MS = 1500;
const WINDOW_MS = 10_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const ms = (n: number) => `${n.toFixed(0)} ms`;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
/** Wall-clock time in ms with sub-ms precision. */
const now = () => performance.timeOrigin + performance.now();
/** The host's uptime in seconds (containers share the kernel's, at 10 ms resolution): a clock both sides of the log read. */
const uptime = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
/**
 * The wall-clock ms at which uptime was 0, read at uptime ticks. Being descheduled
 * (the machine is loaded) only ever makes a reading late, so the earliest of 30 is kept.
 */
function bootTime(): number {
  let best = Infinity;
  for (let i = 0; i < 30; i++) {
    const first = uptime();
    for (;;) {
      const u = uptime();
      if (u !== first) {
        best = Math.min(best, now() - u * 1000);
        break;
      }
    }
  }
  return best;
}
/** A container reads uptime floored to its 10 ms tick: on average the line was written half a tick later. */
const HALF_TICK_MS = 5;

/** Removes a stack as `docker stack rm` and waits until nothing carries its namespace (a network goes once its tasks are gone). */
async function stackGone(stack: string): Promise<void> {
  const docker = labDocker();
  try {
    dockerCli(['stack', 'rm', stack]);
  } catch {
    // nothing to remove
  }
  const filters = JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] });
  for (let i = 0; i < 240; i++) {
    const [services, networks] = await Promise.all([docker.listServices({ filters }), docker.listNetworks({ filters })]);
    if (services.length === 0 && networks.length === 0) return;
    for (const n of networks)
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
    await sleep(250);
  }
  throw new Error(`bench: stack ${stack} still on the swarm after 60 s`);
}

function tenServices(service: (i: number) => Record<string, unknown>): string {
  return stringify({ services: Object.fromEntries(Array.from({ length: SERVICES }, (_, i) => [`s${i}`, service(i)])) });
}

async function deployThroughApi(t: TestApp, name: string, compose: string): Promise<void> {
  const created = await t.api('/api/stacks', { method: 'POST', json: { name, compose } });
  if (!created.ok) throw new Error(`bench: POST /api/stacks ${created.status} ${await created.text()}`);
  const res = await t.api(`/api/stacks/${name}/deploy?wait=true&timeout=300`, { method: 'POST' });
  const body = (await res.json()) as { convergence?: { outcome: string } };
  if (!res.ok || body.convergence?.outcome !== 'converged') throw new Error(`bench: deploy ${name} ${res.status} ${JSON.stringify(body)}`);
}

async function removeThroughApi(t: TestApp, name: string): Promise<void> {
  await t.api(`/api/stacks/${name}?force=true`, { method: 'DELETE' }).catch(() => undefined);
  await stackGone(name);
}

/** 1. Deploy to convergence: ours vs `docker stack deploy` + the same wait, alternately (each round swaps who goes first). */
async function benchDeploy(t: TestApp, row: Row, rounds: number): Promise<void> {
  const compose = tenServices(() => ({
    image: labEnv().LAB_IMAGE,
    command: ['sleep', '3600'],
    stop_grace_period: '1s',
    deploy: { replicas: 1 },
  }));
  const dir = mkdtempSync(join(tmpdir(), 'so-bench-stack-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, compose);
  const services = t.app.get(SwarmServices);
  const ours: number[] = [];
  const theirs: number[] = [];
  const runOurs = async () => {
    const started = now();
    await deployThroughApi(t, OURS, compose);
    ours.push(now() - started);
    await removeThroughApi(t, OURS);
  };
  const runCli = async () => {
    const started = now();
    dockerCli(['stack', 'deploy', '--detach=true', '--quiet', '-c', file, CLI]);
    // the CLI's --detach=false waits service after service: the parallel wait the product does is the fair clock
    const waited = await Promise.all(
      Array.from({ length: SERVICES }, (_, i) => services.waitForConvergence(`${CLI}_s${i}`, { timeoutMs: 300_000 })),
    );
    theirs.push(now() - started);
    const bad = waited.filter((w) => w.outcome !== 'converged');
    if (bad.length) throw new Error(`bench: ${CLI} did not converge: ${bad.map((w) => `${w.service}: ${w.message}`).join('; ')}`);
    await stackGone(CLI);
  };
  try {
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        await runCli();
        await runOurs();
      } else {
        await runOurs();
        await runCli();
      }
      console.log(`  stack deploy round ${round + 1}: ours ${ms(ours[round])}, docker stack deploy + wait ${ms(theirs[round])}`);
    }
  } finally {
    await removeThroughApi(t, OURS).catch(() => undefined);
    await stackGone(CLI).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  row(
    `stack of ${SERVICES} services to convergence (${rounds} rounds; stable 5 s)`,
    `median ${ms(median(ours))} (${ours.map((x) => x.toFixed(0)).join(', ')})`,
    `docker stack deploy + same wait ${ms(median(theirs))} (${theirs.map((x) => x.toFixed(0)).join(', ')})`,
    `${(median(ours) / median(theirs)).toFixed(2)}×`,
    '≤1.1×',
  );
}

interface Received {
  service: string;
  counter: number;
  /** when the container wrote it (its uptime, on the shared kernel clock), wall-clock ms */
  writtenAt: number;
  /** the Engine's timestamp of the line, wall-clock ms */
  engineAt: number;
  receivedAt: number;
}

const LINE = /bench (\d+) (\d+\.\d+)/;
const RFC3339 = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/;

/** Parses one line's message; `bootAt` turns an uptime into wall-clock ms. */
function parse(service: string, message: string, timestamp: string | undefined, bootAt: number): Received | undefined {
  const m = LINE.exec(message);
  if (!m || !timestamp) return undefined;
  return {
    service,
    counter: Number(m[1]),
    writtenAt: bootAt + Number(m[2]) * 1000 + HALF_TICK_MS,
    engineAt: Date.parse(timestamp),
    receivedAt: now(),
  };
}

interface Window {
  linesPerSecond: number;
  writtenPerSecond: number;
  delays: number[];
  engineDelays: number[];
  /** lines written in the window that had not arrived 1 s after it */
  missing: number;
}

/** The figures of one window: lines received in [from, from + WINDOW_MS], and of the lines written in it, how many arrived. */
function measureWindow(lines: Received[], from: number): Window {
  const to = from + WINDOW_MS;
  const inWindow = lines.filter((l) => l.receivedAt >= from && l.receivedAt <= to);
  let written = 0;
  let arrived = 0;
  for (let i = 0; i < SERVICES; i++) {
    const mine = lines.filter((l) => l.service === `s${i}` && l.writtenAt >= from && l.writtenAt <= to);
    if (!mine.length) continue;
    const counters = mine.map((l) => l.counter);
    written += Math.max(...counters) - Math.min(...counters) + 1;
    arrived += new Set(counters).size;
  }
  return {
    linesPerSecond: inWindow.length / (WINDOW_MS / 1000),
    writtenPerSecond: written / (WINDOW_MS / 1000),
    delays: inWindow.map((l) => l.receivedAt - l.writtenAt),
    engineDelays: inWindow.map((l) => l.receivedAt - l.engineAt),
    missing: written - arrived,
  };
}

async function followOurs(t: TestApp, bootAt: number): Promise<Window> {
  const res = await t.api(`/api/stacks/${LOGS}/logs?follow=true&tail=0&timestamps=true`);
  if (!res.ok) throw new Error(`bench: GET logs ${res.status} ${await res.text()}`);
  const lines: Received[] = [];
  const sse = collectSse(res);
  await sse.waitFor((e) => e.event === 'open', 10_000, 'open');
  // parse as events arrive: collectSse stamps receivedAt with Date.now(), this keeps sub-ms precision of the same moment
  let seen = 0;
  const drain = () => {
    for (; seen < sse.events.length; seen++) {
      const e = sse.events[seen];
      if (e.event !== 'line') continue;
      const l = parse(e.data.service, e.data.message, e.data.timestamp, bootAt);
      if (l) lines.push({ ...l, receivedAt: e.receivedAt });
    }
  };
  const from = now() + WARMUP_MS;
  const end = from + WINDOW_MS + 1000;
  while (now() < end) {
    drain();
    await sleep(100);
  }
  drain();
  await sse.stop();
  return measureWindow(lines, from);
}

async function followCli(bootAt: number): Promise<Window> {
  const env = { ...process.env, DOCKER_HOST: labEnv().DOCKER_HOST };
  const lines: Received[] = [];
  const procs = Array.from({ length: SERVICES }, (_, i) => {
    const p = spawn('docker', ['service', 'logs', '--follow', '--timestamps', '--tail', '0', `${LOGS}_s${i}`], {
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let rest = '';
    p.stdout.on('data', (chunk: Buffer) => {
      const receivedAt = now();
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const text of parts) {
        const l = parse(`s${i}`, text, RFC3339.exec(text)?.[0], bootAt);
        if (l) lines.push({ ...l, receivedAt });
      }
    });
    return p;
  });
  const from = now() + WARMUP_MS;
  await sleep(WARMUP_MS + WINDOW_MS + 1000);
  for (const p of procs) p.kill();
  return measureWindow(lines, from);
}

/** 2. Merged logs of 10 services followed: ours (one SSE stream) vs 10 `docker service logs --follow`, alternately. */
async function benchLogs(t: TestApp, row: Row, rounds: number): Promise<void> {
  // `read` is a shell builtin: no fork per line but usleep's; `$$` is compose's escape for `$`
  const script = `i=0; while :; do i=$$((i+1)); read up rest < /proc/uptime; echo "bench $$i $$up"; usleep ${LINE_EVERY_MS * 1000}; done`;
  const compose = tenServices(() => ({
    image: labEnv().LAB_IMAGE,
    command: ['sh', '-c', script],
    stop_grace_period: '1s',
    deploy: { replicas: 1 },
  }));
  await removeThroughApi(t, LOGS);
  await deployThroughApi(t, LOGS, compose);
  const ours: Window[] = [];
  const theirs: Window[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // the container's /proc/uptime and this process's are the same kernel clock: wall = bootAt + uptime
      const bootAt = bootTime();
      const first = round % 2 === 0 ? 'ours' : 'cli';
      for (const side of first === 'ours' ? ['ours', 'cli'] : ['cli', 'ours']) {
        const w = side === 'ours' ? await followOurs(t, bootAt) : await followCli(bootAt);
        (side === 'ours' ? ours : theirs).push(w);
        console.log(
          `  logs round ${round + 1} ${side}: ${w.linesPerSecond.toFixed(0)} lines/s of ${w.writtenPerSecond.toFixed(0)} written (${w.missing} missing), delay median ${ms(median(w.delays))} p95 ${ms(pct(w.delays, 95))}`,
        );
      }
    }
  } finally {
    await removeThroughApi(t, LOGS).catch(() => undefined);
  }
  const all = (ws: Window[], k: 'delays' | 'engineDelays') => ws.flatMap((w) => w[k]);
  const rate = (ws: Window[]) => median(ws.map((w) => w.linesPerSecond));
  const written = (ws: Window[]) => median(ws.map((w) => w.writtenPerSecond));
  const missing = (ws: Window[]) => ws.reduce((s, w) => s + w.missing, 0);
  row(
    `stack logs followed, ${SERVICES} services × 1 line/${LINE_EVERY_MS} ms: lines/s received (${rounds} × ${WINDOW_MS / 1000} s)`,
    `${rate(ours).toFixed(0)}/s of ${written(ours).toFixed(0)}/s written, ${missing(ours)} missing (one SSE stream)`,
    `${SERVICES} × docker service logs -f: ${rate(theirs).toFixed(0)}/s of ${written(theirs).toFixed(0)}/s, ${missing(theirs)} missing`,
    `${(rate(ours) / rate(theirs)).toFixed(2)}×`,
    'every line',
  );
  row(
    'stack logs followed: line written → received (median, p95; container clock ±5 ms)',
    `${ms(median(all(ours, 'delays')))}, p95 ${ms(pct(all(ours, 'delays'), 95))} (from Engine timestamp ${ms(median(all(ours, 'engineDelays')))}, p95 ${ms(pct(all(ours, 'engineDelays'), 95))})`,
    `docker service logs -f ${ms(median(all(theirs, 'delays')))}, p95 ${ms(pct(all(theirs, 'delays'), 95))} (from Engine timestamp ${ms(median(all(theirs, 'engineDelays')))})`,
    `${(median(all(ours, 'delays')) / median(all(theirs, 'delays'))).toFixed(2)}×`,
    '–',
  );
}

export async function benchStacks(row: Row, rounds = 3): Promise<void> {
  for (const s of [OURS, CLI, LOGS]) await stackGone(s);
  const t = await startTestApp({ HEALTH_POLL_INTERVAL: '5' });
  try {
    await benchDeploy(t, row, rounds);
    await benchLogs(t, row, rounds);
  } finally {
    await t.close();
  }
}
