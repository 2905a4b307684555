/**
 * The node agent's section of npm run bench (BENCH_ONLY=agent runs it alone):
 * 1. the agent's resident memory and CPU with 30 tasks on its node (the built
 *    agent, dist/apps/agent/src/main.js, on rog1's socket, one stats stream per container);
 * 2. the app's added CPU with 3 agents streaming: the app's usage sampler (the
 *    real UsageService and HTTP to three real agents, one per node) over a
 *    minute, against the same process idle for a minute;
 * 3. sample-to-chart delay: from a task holding 100 MiB to the figure the
 *    usage route answers (what the chart draws), over several tasks.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpAdapterHost } from '@nestjs/core';
import { dockerCli, removeServices } from '../test/fixtures/docker';
import { labEnv } from '../test/fixtures/lab';
import type { AgentDirectory, AgentStatus } from '../apps/api/src/agents/agent-directory';
import { UsageMetrics } from '../apps/api/src/agents/usage-metrics';
import { UsageService } from '../apps/api/src/agents/usage.service';
import type { AppConfig } from '../apps/api/src/config/app-config';
import { HealthMetrics } from '../apps/api/src/health/health-metrics';

type Row = (what: string, ours: string, reference: string, ratio: string, goal: string) => void;

const ROOT = join(__dirname, '..');
const PREFIX = 'benchagent-';
const SECRET = 'bench-agent-secret-0123456789abcdef';
const NODES = ['mini2', 'spark1', 'rog1'];
const TICKS = 100; // USER_HZ
const MiB = 1024 * 1024;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** utime + stime of a process, in seconds, and its resident memory in bytes. */
function procStat(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuSeconds, rssBytes: Number(rss) * 1024 };
}

async function startAgent(node: string, port: number, secretFile: string): Promise<ChildProcess> {
  const env = labEnv();
  const proc = spawn(process.execPath, [join(ROOT, 'dist/apps/agent/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      DOCKER_HOST: env[`LAB_SOCK_${node}`],
      AGENT_PORT: String(port),
      AGENT_HOST: '127.0.0.1',
      AGENT_SECRET_FILE: secretFile,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/v1/info`, { headers: { authorization: `Bearer ${SECRET}` } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return proc;
    await sleep(100);
  }
  proc.kill();
  throw new Error(`the agent for ${node} did not start`);
}

const info = async (port: number) =>
  (await (await fetch(`http://127.0.0.1:${port}/v1/info`, { headers: { authorization: `Bearer ${SECRET}` } })).json()) as {
    node: { nodeId: string; hostname: string };
    streamsOpen: number;
  };

export async function benchAgent(row: Row): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'so-agent-bench-'));
  const secretFile = join(dir, 'secret');
  writeFileSync(secretFile, SECRET);
  const agents: ChildProcess[] = [];
  const ports = NODES.map((_, i) => 19700 + i + Math.floor(Math.random() * 50) * 3);
  await removeServices(PREFIX);
  try {
    for (const [i, node] of NODES.entries()) agents.push(await startAgent(node, ports[i], secretFile));
    const rog1Port = ports[2];
    const rog1 = agents[2];

    // 1. 30 tasks on rog1: the agent's memory and CPU once every container has its stream
    const before = (await info(rog1Port)).streamsOpen;
    dockerCli([
      'service',
      'create',
      '-d',
      '--name',
      `${PREFIX}thirty`,
      '--replicas',
      '30',
      '--constraint',
      'node.hostname==rog1',
      labEnv().LAB_IMAGE,
      'sleep',
      '3600',
    ]);
    for (let i = 0; i < 240 && (await info(rog1Port)).streamsOpen < before + 30; i++) await sleep(500);
    const streams = (await info(rog1Port)).streamsOpen;
    await sleep(5000);
    const a = procStat(rog1.pid!);
    const WINDOW = 30;
    const rss: number[] = [];
    for (let i = 0; i < WINDOW; i++) {
      await sleep(1000);
      rss.push(procStat(rog1.pid!).rssBytes);
    }
    const b = procStat(rog1.pid!);
    const agentCpu = ((b.cpuSeconds - a.cpuSeconds) / WINDOW) * 100;
    row(
      `agent at ${streams} containers (30 tasks + others), ${WINDOW} s`,
      `RSS ${(Math.max(...rss) / MiB).toFixed(0)} MiB, CPU ${agentCpu.toFixed(1)} %`,
      '–',
      '–',
      '< 100 MiB, < 5 % of a core',
    );

    // 2. the app's sampler against the three agents, a minute each way
    const statuses = new Map<string, { port: number; status: AgentStatus }>();
    for (const port of ports) {
      const n = (await info(port)).node;
      statuses.set(n.nodeId, { port, status: { nodeId: n.nodeId, hostname: n.hostname, state: 'connected' } });
    }
    const directory = {
      list: async () => [...statuses.values()].map((s) => s.status),
      json: async (nodeId: string, path: string) => {
        const res = await fetch(`http://127.0.0.1:${statuses.get(nodeId)!.port}${path}`, {
          headers: { authorization: `Bearer ${SECRET}` },
          signal: AbortSignal.timeout(4000),
        });
        return res.json();
      },
    } as unknown as AgentDirectory;
    const config = { agents: { sampleIntervalMs: 3000 } } as AppConfig;
    const metrics = new UsageMetrics(new HealthMetrics({} as HttpAdapterHost));
    const usage = new UsageService(config, directory, metrics, {} as HttpAdapterHost);
    const idle0 = process.cpuUsage();
    await sleep(60_000);
    const idle = process.cpuUsage(idle0);
    const busy0 = process.cpuUsage();
    const timer = setInterval(() => void usage.sampleOnce(), 3000);
    await sleep(60_000);
    clearInterval(timer);
    const busy = process.cpuUsage(busy0);
    const cpuPct = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6 / 60) * 100;
    row(
      `app: sampling 3 agents every 3 s (${usage.history.seriesCount} series)`,
      `${cpuPct(busy) - cpuPct(idle) >= 0 ? '+' : ''}${(cpuPct(busy) - cpuPct(idle)).toFixed(2)} % of a core (noise ±0.1 %)`,
      `idle ${cpuPct(idle).toFixed(2)} %`,
      '–',
      '< 2 % of a core',
    );

    // 3. sample-to-chart delay: a task holding 100 MiB until the usage figure shows it
    const delays: number[] = [];
    const timer2 = setInterval(() => void usage.sampleOnce(), 3000);
    for (let i = 0; i < 5; i++) {
      const name = `${PREFIX}mem${i}`;
      dockerCli([
        'service',
        'create',
        '-d',
        '--name',
        name,
        '--constraint',
        'node.hostname==spark1',
        '--mount',
        'type=tmpfs,dst=/m,tmpfs-size=268435456',
        labEnv().LAB_IMAGE,
        'sh',
        '-c',
        'dd if=/dev/zero of=/m/f bs=1M count=100 2>/dev/null; echo held; sleep 3600',
      ]);
      // from the moment the container's log says it holds the memory
      let held = 0;
      for (let k = 0; k < 600 && !held; k++) {
        if (dockerCli(['service', 'logs', '--raw', name]).includes('held')) held = Date.now();
        else await sleep(100);
      }
      for (let k = 0; k < 300; k++) {
        const r = usage.replicasOf(name)[0];
        if (r && r.container.memoryBytes >= 90 * MiB) break;
        await sleep(50);
      }
      delays.push(Date.now() - held);
      dockerCli(['service', 'rm', name]);
    }
    clearInterval(timer2);
    row(
      'sample-to-chart delay (task holds 100 MiB → usage route)',
      `median ${(median(delays) / 1000).toFixed(1)} s, max ${(Math.max(...delays) / 1000).toFixed(1)} s`,
      'Engine stats frame every ~1 s + list every 3 s + sample every 3 s',
      '–',
      '≤ 10 s',
    );
  } finally {
    for (const p of agents) p.kill();
    await removeServices(PREFIX);
    rmSync(dir, { recursive: true, force: true });
  }
}
