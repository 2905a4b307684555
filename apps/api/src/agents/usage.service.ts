import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from '@app/common';
import type { ContainerUsage, NodeIdentity } from '@app/swarm';
import { AppConfig } from '../config/app-config';
import { AgentDirectory, CONNECTED_WINDOW_MS } from './agent-directory';
import { sumPoints, UsageHistory, UsagePoint, UsageRange } from './usage-history';
import { UsageMetrics } from './usage-metrics';

export type GpuUsage =
  | {
      available: true;
      gpus: Array<{ index: number; name: string; utilizationPercent: number; memoryUsedBytes: number; memoryTotalBytes: number }>;
    }
  | { available: false; reason: string };

/** What an agent answers on GET /v1/usage. */
export interface AgentUsageAnswer {
  node: NodeIdentity;
  sampledAt: string;
  containers: ContainerUsage[];
  gpu: GpuUsage;
}

/** A node's latest figures, as of the app's last sampling round. */
export interface NodeUsageNow {
  nodeId: string;
  hostname: string;
  cpus: number;
  memoryTotalBytes: number;
  sampledAt: number;
  total: UsagePoint;
  containers: ContainerUsage[];
  gpu: GpuUsage;
}

export type Figures = Omit<UsagePoint, 't'>;

export function figures(c: Figures): Figures {
  return {
    cpuPercent: c.cpuPercent,
    memoryBytes: c.memoryBytes,
    memoryLimitBytes: c.memoryLimitBytes,
    networkRxBytes: c.networkRxBytes,
    networkTxBytes: c.networkTxBytes,
    blockReadBytes: c.blockReadBytes,
    blockWriteBytes: c.blockWriteBytes,
  };
}

/**
 * Reads every connected agent's latest figures every USAGE_SAMPLE_INTERVAL
 * seconds (the agents hold one stats stream per container, so a round costs
 * each agent no Engine request), keeps the history in memory and feeds /metrics.
 */
@Injectable()
export class UsageService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(UsageService.name);
  readonly history = new UsageHistory();
  private readonly latest = new Map<string, NodeUsageNow>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rounds = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly agents: AgentDirectory,
    private readonly metrics: UsageMetrics,
    private readonly http: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.http.httpAdapter) return;
    this.timer = setInterval(() => void this.sampleOnce(), this.config.agents.sampleIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  get sampleRounds(): number {
    return this.rounds;
  }

  /** One round: every node's agent asked in parallel; a silent agent leaves its node without figures. */
  sampleOnce(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    const t = Date.now();
    const statuses = await this.agents.list().catch(() => []);
    const answers = await Promise.all(
      statuses
        .filter((s) => s.state !== 'no-agent')
        .map(async (s) => {
          try {
            return { s, answer: await this.agents.json<AgentUsageAnswer>(s.nodeId, '/v1/usage') };
          } catch (err) {
            this.logger.debug(`usage of ${s.hostname}: ${(err as Error).message}`);
            return { s, answer: undefined };
          }
        }),
    );
    const byService = new Map<string, Figures[]>();
    for (const { s, answer } of answers) {
      if (!answer) continue;
      const containers = answer.containers;
      const total = sumPoints(t, containers.map(figures));
      // a node's limit is its memory, not the sum of its containers' limits
      total.memoryLimitBytes = answer.node.memoryBytes;
      this.latest.set(s.nodeId, {
        nodeId: s.nodeId,
        hostname: s.hostname,
        cpus: answer.node.cpus,
        memoryTotalBytes: answer.node.memoryBytes,
        sampledAt: t,
        total,
        containers,
        gpu: answer.gpu,
      });
      this.history.append(`node:${s.nodeId}`, total);
      for (const c of containers) {
        if (!c.serviceName || !c.taskId) continue;
        this.history.append(`task:${c.taskId}`, { t, ...figures(c) });
        byService.set(c.serviceName, [...(byService.get(c.serviceName) ?? []), figures(c)]);
      }
    }
    for (const [name, list] of byService) this.history.append(`service:${name}`, sumPoints(t, list));
    // a node whose agent is gone has no current figures, whatever it said last
    const withAgent = new Set(statuses.filter((s) => s.state !== 'no-agent').map((s) => s.nodeId));
    for (const [nodeId, n] of this.latest) if (!withAgent.has(nodeId) || t - n.sampledAt > CONNECTED_WINDOW_MS) this.latest.delete(nodeId);
    this.history.prune(t);
    this.rounds++;
    const fresh = await this.agents.list().catch(() => statuses);
    this.metrics.observe(
      [...this.latest.values()],
      fresh.map((a) => ({ hostname: a.hostname, connected: a.state === 'connected' })),
    );
  }

  /** The latest figures of a node (id or hostname); undefined when its agent has not answered lately. */
  nodeNow(idOrHostname: string): NodeUsageNow | undefined {
    return this.latest.get(idOrHostname) ?? [...this.latest.values()].find((n) => n.hostname === idOrHostname);
  }

  nodesNow(): NodeUsageNow[] {
    return [...this.latest.values()];
  }

  /** Every running replica of a service seen in the last round, with its node. */
  replicasOf(service: string): Array<{ node: NodeUsageNow; container: ContainerUsage }> {
    return this.nodesNow().flatMap((node) =>
      node.containers.filter((c) => c.serviceName === service).map((container) => ({ node, container })),
    );
  }

  nodeHistory(nodeId: string, range: UsageRange): UsagePoint[] {
    return this.history.points(`node:${nodeId}`, range);
  }

  serviceHistory(service: string, range: UsageRange): UsagePoint[] {
    return this.history.points(`service:${service}`, range);
  }

  taskHistory(taskId: string, range: UsageRange): UsagePoint[] {
    return this.history.points(`task:${taskId}`, range);
  }

  requireNode(idOrHostname: string): NodeUsageNow {
    const n = this.nodeNow(idOrHostname);
    if (!n)
      throw new DomainError('UNAVAILABLE', `no usage figures for node "${idOrHostname}": its agent has not answered in the last 10 s`);
    return n;
  }
}
