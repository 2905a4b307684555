import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { CatalogService } from '@app/catalog';
import { parseNotificationEnvelope, RegistryClient, RegistryEvent } from '@app/registry';
import { SwarmServices, type LiveService } from '@app/swarm';
import { AppConfig } from '../config/app-config';
import { HEALTH_MONITOR_MODE, HealthMonitor, type HealthMonitorMode } from '../health/health-monitor';
import { followedTag, shortDigest } from './image-ref';
import { ImageRedeploys } from './image-redeploys.service';
import { ImageUpdateState } from './image-update-state';
import type { ImageUpdateDto, RedeployStateDto, UpdatePolicy } from './image-update.dto';
import type { NotificationResultDto, RedeployResultDto } from './images.dto';
import { KeyedDebouncer } from './keyed-debouncer';

const PUSH_MEMORY = 1000;

/**
 * One place that knows which services run an older digest than their tag now
 * names: fed by the registry's notifications (or a poll of the tags in use),
 * it compares each live service's running digest with what its tag resolves
 * to, announces `image-update` events on /api/events, and redeploys services
 * whose definition says `x-update: redeploy`, once per burst of pushes.
 *
 * Events only say "look again": every evaluation asks the registry what each
 * tag names now, so duplicated or out-of-order notifications change nothing.
 */
@Injectable()
export class ImageUpdates implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ImageUpdates.name);
  /** When each repository:tag@digest was pushed, from the notifications. */
  private readonly pushes = new Map<string, string>();
  /** The digest a redeploy of the service failed with: not retried until the tag moves again. */
  private readonly failed = new Map<string, { digest: string; state: RedeployStateDto }>();
  private readonly bursts: KeyedDebouncer;
  private evaluating?: Promise<void>;
  private again = false;
  private evaluated = false;
  private poller?: NodeJS.Timeout;
  private subscription?: Subscription;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: RegistryClient,
    private readonly swarm: SwarmServices,
    private readonly catalog: CatalogService,
    private readonly redeploys: ImageRedeploys,
    private readonly state: ImageUpdateState,
    private readonly monitor: HealthMonitor,
    @Optional() @Inject(HEALTH_MONITOR_MODE) private readonly mode: HealthMonitorMode = 'background',
  ) {
    this.bursts = new KeyedDebouncer(config.images.redeployDebounceMs, (service, err) =>
      this.logger.error(`redeploy of "${service}" failed: ${(err as Error).message}`),
    );
    // the services' answers read the state; without the background loop (stdio) they ask for a look first
    state.onRefresh(async () => {
      if (this.mode === 'on-demand' && this.registry.url) await this.evaluate();
    });
  }

  onApplicationBootstrap(): void {
    if (this.mode === 'on-demand' || !this.registry.url) return;
    // a deploy, an update or a removal changes what a service runs: look again
    this.subscription = this.monitor.changes$.subscribe((c) => {
      if (c.type === 'service') void this.evaluate();
    });
    const every = this.config.images.pollIntervalSeconds;
    if (every > 0) this.poller = setInterval(() => void this.evaluate(), every * 1000);
    void this.evaluate();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.bursts.stop();
    this.subscription?.unsubscribe();
    clearInterval(this.poller);
  }

  /** A notification envelope: remembers push times, then evaluates every service against the registry. */
  async notify(body: unknown): Promise<NotificationResultDto> {
    const { events, ignored } = parseNotificationEnvelope(body);
    for (const e of events) this.remember(e);
    if (events.length) void this.evaluate();
    return { accepted: events.length, ignored };
  }

  /** The services whose tag names a newer digest than they run, by service name. */
  list(): ImageUpdateDto[] {
    return this.state.list();
  }

  get(service: string): ImageUpdateDto | undefined {
    return this.state.get(service);
  }

  /** For callers without the background loop (the stdio MCP server): evaluate now, then list. */
  async fresh(): Promise<ImageUpdateDto[]> {
    if (this.mode === 'on-demand' || !this.evaluated) await this.evaluate();
    return this.list();
  }

  /** Runs an evaluation now, or right after the running one: evaluations never overlap. */
  evaluate(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.evaluating) {
      this.again = true;
      return this.evaluating;
    }
    this.evaluating = this.evaluateOnce()
      .catch((err) => this.logger.warn(`image update check failed: ${(err as Error).message}`))
      .finally(() => {
        this.evaluating = undefined;
        if (this.again) {
          this.again = false;
          void this.evaluate();
        }
      });
    return this.evaluating;
  }

  private remember(e: RegistryEvent): void {
    if (e.action !== 'push' || !e.tag || !e.digest) return;
    const key = `${e.repository}:${e.tag}@${e.digest}`;
    // the earliest report wins: a re-sent notification keeps the first push time
    if (!this.pushes.has(key)) {
      if (this.pushes.size >= PUSH_MEMORY) this.pushes.delete(this.pushes.keys().next().value as string);
      this.pushes.set(key, e.timestamp);
    }
  }

  private async evaluateOnce(): Promise<void> {
    const live = await this.swarm.listLive();
    // pinned by digest, another registry, no digest: nothing to compare (the answers say why)
    const followed = live
      .map((s) => ({ s, ref: followedTag(s.image, s.imageDigest, this.registry.host) }))
      .filter((x): x is { s: LiveService; ref: { repository: string; tag: string } } => !('reason' in x.ref));
    const tags = [...new Set(followed.map((x) => `${x.ref.repository}:${x.ref.tag}`))];
    // null: the tag is gone; undefined: the registry did not answer
    const resolved = new Map<string, string | null | undefined>();
    await Promise.all(
      tags.map(async (t) => {
        const colon = t.lastIndexOf(':');
        resolved.set(t, await this.registry.tagDigest(t.slice(0, colon), t.slice(colon + 1)).catch(() => undefined));
      }),
    );
    this.evaluated = true;
    const seen = new Set<string>();
    for (const { s, ref } of followed) {
      const now = resolved.get(`${ref.repository}:${ref.tag}`);
      if (now === undefined) {
        if (this.state.get(s.name)) seen.add(s.name);
        continue;
      }
      if (!now || now === s.imageDigest) continue;
      const policy = await this.policyOf(s.name, s.image);
      if (policy === 'off') continue;
      seen.add(s.name);
      const failed = this.failed.get(s.name);
      const previous = this.state.get(s.name);
      if (previous && previous.availableDigest === now && previous.currentDigest === s.imageDigest) {
        // the definition's x-update changed meanwhile
        if (previous.policy !== policy) {
          previous.policy = policy;
          if (policy === 'redeploy' && failed?.digest !== now && !this.bursts.pending(s.name)) this.scheduleRedeploy(previous);
        }
        continue;
      }
      const key = `${ref.repository}:${ref.tag}@${now}`;
      const pushedAt = this.pushes.get(key) ?? new Date().toISOString();
      const update: ImageUpdateDto = {
        service: s.name,
        stack: s.stack,
        image: s.image,
        repository: ref.repository,
        tag: ref.tag,
        currentDigest: s.imageDigest!,
        availableDigest: now,
        pushedAt,
        policy,
        summary: `update available: ${shortDigest(s.imageDigest!)} → ${shortDigest(now)}, pushed ${pushedAt}`,
      };
      if (failed?.digest === now) update.redeploy = failed.state;
      this.state.set(update);
      this.announce(update, 'available');
      if (policy === 'redeploy' && failed?.digest !== now) this.scheduleRedeploy(update);
    }
    for (const [name, update] of [...this.state.entries()]) {
      if (seen.has(name)) continue;
      this.state.delete(name);
      this.announce(update, 'cleared');
    }
  }

  /** The definition's x-update when the catalog deploys this very image; else notify (stack and CLI services). */
  private async policyOf(service: string, image: string): Promise<UpdatePolicy> {
    try {
      const def = await this.catalog.definition(service);
      if (def.image.split('@')[0] !== image) return 'notify';
      return def['x-update'] ?? 'notify';
    } catch {
      return 'notify';
    }
  }

  private scheduleRedeploy(update: ImageUpdateDto): void {
    // the policy is carried out by the long-running app only: a stdio MCP server
    // (a process per agent session) that looks at updates must not redeploy beside it
    if (this.mode === 'on-demand') return;
    this.setRedeploy(update.service, { state: 'pending', at: new Date().toISOString() });
    this.bursts.schedule(update.service, () => this.redeployByPolicy(update.service));
  }

  /** After the burst's quiet period, with what the tag names then; a digest that failed is not tried again until the tag moves. */
  private async redeployByPolicy(service: string): Promise<void> {
    await this.evaluate();
    const update = this.state.get(service);
    if (!update || update.policy !== 'redeploy' || this.failed.get(service)?.digest === update.availableDigest) return;
    await this.redeploy(service, 'registry');
  }

  /**
   * Rolls a service to the digest its tag names now, with `actor` in the
   * history: the x-update: redeploy policy (actor `registry`), and the
   * redeploy route and tool (the caller). Keeps the update's redeploy state
   * and announces it; when it does not converge, ImageRedeploys rolls back.
   */
  async redeploy(service: string, actor: string | undefined, timeoutSeconds?: number): Promise<RedeployResultDto> {
    const at = () => new Date().toISOString();
    // events and state for a service with a pending update; a refused call for another name (not in the catalog) stays quiet
    const tracked = this.state.get(service) !== undefined;
    const mark = (state: RedeployStateDto, action: string) => tracked && this.setRedeploy(service, state, action);
    mark({ state: 'running', at: at() }, 'redeploying');
    let result: RedeployResultDto;
    try {
      result = await this.redeploys.run(service, actor, timeoutSeconds);
    } catch (err) {
      const state: RedeployStateDto = { state: 'failed', at: at(), message: (err as Error).message };
      const digest = this.state.get(service)?.availableDigest;
      if (digest) this.failed.set(service, { digest, state });
      mark(state, 'redeploy-failed');
      throw err;
    }
    const { historyId, message } = result;
    if (result.outcome === 'redeployed' || result.outcome === 'unchanged') {
      this.failed.delete(service);
      mark({ state: 'converged', at: at(), historyId, message: result.convergence?.message ?? message }, 'redeployed');
      // the service runs the new digest now: clear its update without waiting for the monitor's next look
      await this.evaluate();
      return result;
    }
    const state: RedeployStateDto = { state: result.outcome, at: at(), historyId, message };
    this.failed.set(service, { digest: result.toDigest, state });
    mark(state, 'redeploy-failed');
    this.logger.warn(`"${service}": ${message}`);
    return result;
  }

  private setRedeploy(service: string, state: RedeployStateDto, action?: string): void {
    const update = this.state.get(service);
    if (update) update.redeploy = state;
    if (action) this.announce(update ?? ({ service } as ImageUpdateDto), action, state);
  }

  private announce(update: ImageUpdateDto, action: string, redeploy?: RedeployStateDto): void {
    this.monitor.announce({
      type: 'image-update',
      at: new Date().toISOString(),
      subject: update.service,
      action,
      data: { ...update, ...(redeploy ? { redeploy } : {}) },
    });
  }
}
