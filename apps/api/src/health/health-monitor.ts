import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Subject, Subscription } from 'rxjs';
import { DomainError } from '@app/common';
import { HealthHistory } from '@app/catalog';
import { RegistryClient } from '@app/registry';
import { SwarmEngine, SwarmEvents, SwarmNodes, SwarmServices } from '@app/swarm';
import { AppConfig } from '../config/app-config';
import { buildSnapshot, ChangeEvent, diffSnapshots, HealthSnapshot, PollResult, transitions } from './health-snapshot';
import { HealthMetrics } from './health-metrics';

const FAILURE_WINDOW_MS = 10 * 60_000;
/** After a swarm event, poll again soon and a few more times while tasks start or stop. */
const FOLLOW_UP_MS = [150, 1000, 2500, 5000, 10_000];

/**
 * `background` (the HTTP app): polls on a schedule and on swarm events, and
 * records transitions in the health history. `on-demand` (the stdio MCP
 * server, a short-lived process an agent starts, often beside the app and on
 * the same DATA_DIR): polls only when asked and records nothing, so history is
 * written once, by the app, and an agent's session costs no background traffic.
 */
export type HealthMonitorMode = 'background' | 'on-demand';
export const HEALTH_MONITOR_MODE = Symbol('HEALTH_MONITOR_MODE');

/**
 * Keeps one snapshot of the cluster's health in memory, refreshed by a
 * scheduled poll and, within a second, by the Engine's event stream. Requests
 * read the snapshot; they never call Docker.
 */
@Injectable()
export class HealthMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HealthMonitor.name);
  private readonly changes = new Subject<ChangeEvent>();
  private current?: HealthSnapshot;
  private polling?: Promise<void>;
  private again = false;
  private followUps: NodeJS.Timeout[] = [];
  private subscriptions: Subscription[] = [];
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly engine: SwarmEngine,
    private readonly nodes: SwarmNodes,
    private readonly services: SwarmServices,
    private readonly events: SwarmEvents,
    private readonly registry: RegistryClient,
    private readonly history: HealthHistory,
    private readonly metrics: HealthMetrics,
    @Optional() @Inject(HEALTH_MONITOR_MODE) private readonly mode: HealthMonitorMode = 'background',
  ) {}

  /** Every change, for /api/events. */
  get changes$() {
    return this.changes.asObservable();
  }

  /** Puts another module's change on the same stream /api/events serves (the image lifecycle's `image-update`). */
  announce(change: ChangeEvent): void {
    if (!this.stopped) this.changes.next(change);
  }

  snapshot(): HealthSnapshot {
    return (
      this.current ?? {
        status: 'degraded',
        reasons: ['the first health poll has not finished yet'],
        docker: { reachable: false, endpoint: this.engine.endpoint },
        registry: { configured: !!this.registry.url, reachable: false, url: this.registry.url },
        nodes: [],
        services: [],
        eventStreamConnected: this.events.connected,
      }
    );
  }

  /** The snapshot to answer with: the kept one, or in on-demand mode a fresh poll. */
  async latest(): Promise<HealthSnapshot> {
    if (this.mode === 'on-demand') await this.poll();
    return this.snapshot();
  }

  onApplicationBootstrap(): void {
    if (this.mode === 'on-demand') return;
    const interval = setInterval(() => this.poll(), this.config.healthPollIntervalSeconds * 1000);
    this.scheduler.addInterval('health-monitor', interval);
    this.subscriptions.push(
      this.events.events$.subscribe((e) => {
        if (e.kind === 'node' || e.kind === 'service' || e.kind === 'task') this.pollSoon();
      }),
      this.events.connected$.subscribe((connected) => {
        // reconnected after a daemon restart: catch up at once
        if (connected) this.pollSoon();
      }),
    );
    this.poll();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.followUps.forEach(clearTimeout);
    this.subscriptions.forEach((s) => s.unsubscribe());
    if (this.scheduler.doesExist('interval', 'health-monitor')) this.scheduler.deleteInterval('health-monitor');
    this.changes.complete();
  }

  /** Runs a poll now, or right after the running one: polls never overlap. */
  poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.polling) {
      this.again = true;
      return this.polling;
    }
    this.polling = this.pollOnce()
      .catch((err) => this.logger.error(`health poll failed: ${(err as Error).message}`))
      .finally(() => {
        this.polling = undefined;
        if (this.again) {
          this.again = false;
          void this.poll();
        }
      });
    return this.polling;
  }

  private pollSoon(): void {
    this.followUps.forEach(clearTimeout);
    this.followUps = FOLLOW_UP_MS.map((ms) => setTimeout(() => void this.poll(), ms));
  }

  private async pollOnce(): Promise<void> {
    const started = Date.now();
    const result: PollResult = {
      docker: { endpoint: this.engine.endpoint },
      registry: { url: this.registry.url },
      nodes: [],
      services: [],
      failures: new Map(),
      at: new Date().toISOString(),
      durationMs: 0,
      eventStreamConnected: this.events.connected,
    };
    const [docker, registry] = await Promise.allSettled([
      Promise.all([this.nodes.list(), this.services.listLive(), this.services.recentTaskFailures(Date.now() - FAILURE_WINDOW_MS)]),
      this.registry.url ? this.registry.ping() : Promise.resolve(),
    ]);
    if (docker.status === 'fulfilled') [result.nodes, result.services, result.failures] = docker.value;
    else result.docker.error = reason(docker.reason);
    if (registry.status === 'rejected') result.registry.error = reason(registry.reason);
    result.durationMs = Date.now() - started;
    const previous = this.current;
    const next = buildSnapshot(result, previous);
    this.current = next;
    this.metrics.observe(next);
    for (const change of diffSnapshots(previous, next, result.at)) this.changes.next(change);
    const moved = this.mode === 'background' ? transitions(previous, next, result.at) : [];
    if (moved.length)
      await this.history.record(moved).catch((err) => this.logger.warn(`health history not recorded: ${(err as Error).message}`));
  }
}

function reason(err: unknown): string {
  return err instanceof DomainError ? err.message : String((err as Error)?.message ?? err);
}
