import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import {
  alertFacts,
  AlertMute,
  AlertMuteStore,
  AlertRecord,
  AlertRule,
  AlertRules,
  AlertRulesFile,
  AlertSeverity,
  AlertStore,
} from '@app/catalog';
import { DomainError } from '@app/common';
import { SwarmServices } from '@app/swarm';
import { HEALTH_MONITOR_MODE, HealthMonitor, type HealthMonitorMode } from '../health/health-monitor';
import type { HealthSnapshot } from '../health/health-snapshot';
import { AlertCondition, evaluateConditions, ServiceTasks } from './alert-conditions';
import { AlertDispatcher } from './alert-dispatcher';
import type { AlertNotification } from './channels';
import { DeployOutcomeCursor } from './deploy-outcomes';

/** How often conditions are looked at besides every change of the monitor's snapshot: the clock for `for:` and repeats. */
const TICK_MS = 1000;
/** Task facts of a service in trouble are read again when its snapshot changes, or at least this often. */
const TASKS_MAX_AGE_MS = 10_000;

/** Whether `mute` covers an alert or a condition. */
export function muteCovers(mute: AlertMute, a: { rule: string; service?: string; node?: string }): boolean {
  if (mute.rule && mute.rule !== a.rule) return false;
  if (mute.scope === 'global') return true;
  if (mute.scope === 'service') return a.service === mute.target;
  return a.node === mute.target;
}

/**
 * Turns the health monitor's snapshot into alerts: conditions are evaluated on
 * every change the monitor reports and once a second; a condition fires after
 * holding for its rule's `for:`, once (one alert per key), repeats at the
 * rule's interval if it has one, and resolves when it no longer holds. Alerts
 * and their history go to SQLite; notifications go to the dispatcher, which
 * never blocks this loop. Runs only in the app (not in the stdio MCP server).
 */
@Injectable()
export class AlertEngine implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private readonly firing = new Map<string, AlertRecord>();
  private readonly pending = new Map<string, number>();
  private readonly taskFacts = new Map<string, { signature: string; fetchedAt: number; facts?: ServiceTasks; fetching: boolean }>();
  private readonly deploys: DeployOutcomeCursor;
  private loaded = false;
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** Why the last evaluation failed, if it did (e.g. the database): shown in GET /api/alerts. */
  lastError?: string;
  /** Why DATA_DIR/alerts.yaml is not in force, if it is not. */
  rulesError?: string;

  constructor(
    private readonly monitor: HealthMonitor,
    private readonly services: SwarmServices,
    private readonly store: AlertStore,
    private readonly mutes: AlertMuteStore,
    private readonly rulesFile: AlertRulesFile,
    private readonly dispatcher: AlertDispatcher,
    @Optional() @Inject(HEALTH_MONITOR_MODE) private readonly mode: HealthMonitorMode = 'background',
  ) {
    this.deploys = new DeployOutcomeCursor((afterId, limit) => this.store.deployOutcomes(afterId, limit));
  }

  onApplicationBootstrap(): void {
    // the stdio MCP server only reads alerts: the app alone evaluates and sends them
    if (this.mode === 'on-demand') return;
    this.subscription = this.monitor.changes$.subscribe(() => void this.evaluate());
    this.timer = setInterval(() => void this.evaluate(), TICK_MS);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  /** Evaluates now, or right after the running evaluation: they never overlap. */
  evaluate(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.evaluateOnce()
      .then(() => (this.lastError = undefined))
      .catch((err) => {
        this.lastError = (err as Error).message;
        this.logger.error(`alert evaluation failed: ${this.lastError}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.evaluate();
        }
      });
    return this.running;
  }

  private async evaluateOnce(): Promise<void> {
    const snapshot = this.monitor.snapshot();
    if (!snapshot.lastPollAt) return;
    if (!this.loaded) {
      for (const a of await this.store.firing()) this.firing.set(a.key, a);
      this.loaded = true;
    }
    const { rules, error } = await this.rulesFile.read();
    this.rulesError = error;
    const now = Date.now();
    await this.deploys.advance(now);
    this.refreshTasks(snapshot, rules, now);
    const { conditions, frozen } = evaluateConditions({
      snapshot,
      rules,
      now,
      tasks: new Map([...this.taskFacts].filter(([, f]) => f.facts).map(([k, f]) => [k, f.facts!])),
      deploys: this.deploys.latest,
    });
    const mutes = await this.mutes.active(new Date(now).toISOString());
    const active = new Map(conditions.map((c) => [c.key, c]));
    for (const key of [...this.pending.keys()]) if (!active.has(key) || this.firing.has(key)) this.pending.delete(key);
    for (const c of conditions) {
      const rule = rules[c.rule];
      const alert = this.firing.get(c.key);
      if (alert) {
        await this.keepFiring(alert, rule, mutes, now);
        continue;
      }
      const since = this.pending.get(c.key) ?? now;
      this.pending.set(c.key, since);
      if (now - since >= rule.for * 1000) await this.fire(c, rule, since, mutes, now);
    }
    for (const [key, alert] of [...this.firing]) {
      if (active.has(key) || (frozen.has(alert.rule as never) && rules[alert.rule as keyof AlertRules]?.enabled)) continue;
      await this.resolve(alert, mutes, now);
    }
  }

  private async fire(c: AlertCondition, rule: AlertRule, since: number, mutes: AlertMute[], now: number): Promise<void> {
    const mute = mutes.find((m) => muteCovers(m, c));
    const at = new Date(now).toISOString();
    const alert = await this.store.create({
      key: c.key,
      rule: c.rule,
      severity: rule.severity,
      state: 'firing',
      subject: c.subject,
      service: c.service,
      node: c.node,
      message: c.message,
      details: c.details,
      startedAt: new Date(since).toISOString(),
      firedAt: at,
      mutedBy: mute?.actor,
    });
    this.firing.set(c.key, alert);
    this.pending.delete(c.key);
    await this.store.addEvents([
      {
        alertId: alert.id,
        at,
        kind: 'fired',
        message: mute ? `${c.message} (muted by ${mute.actor} until ${mute.until}: not sent)` : c.message,
      },
    ]);
    if (!mute) await this.send(alert, 'fired', at);
  }

  private async keepFiring(alert: AlertRecord, rule: AlertRule, mutes: AlertMute[], now: number): Promise<void> {
    const mute = mutes.find((m) => muteCovers(m, alert));
    const at = new Date(now).toISOString();
    if (mute && !alert.mutedBy) {
      alert.mutedBy = mute.actor;
      await this.store.update(alert.id, { mutedBy: mute.actor });
      return;
    }
    if (!mute && alert.mutedBy) {
      alert.mutedBy = undefined;
      await this.store.update(alert.id, { mutedBy: undefined });
      await this.store.addEvents([{ alertId: alert.id, at, kind: 'unmuted', message: `${alert.message}: no longer muted` }]);
      if (!alert.notifications) await this.send(alert, 'fired', at);
      return;
    }
    if (!mute && rule.repeat > 0 && alert.lastNotifiedAt && now - Date.parse(alert.lastNotifiedAt) >= rule.repeat * 1000) {
      await this.store.addEvents([{ alertId: alert.id, at, kind: 'repeated', message: alert.message }]);
      await this.send(alert, 'repeated', at);
    }
  }

  private async resolve(alert: AlertRecord, mutes: AlertMute[], now: number): Promise<void> {
    const at = new Date(now).toISOString();
    await this.store.update(alert.id, { state: 'resolved', resolvedAt: at });
    this.firing.delete(alert.key);
    Object.assign(alert, { state: 'resolved', resolvedAt: at });
    await this.store.addEvents([{ alertId: alert.id, at, kind: 'resolved', message: `resolved: ${alert.message}` }]);
    // resolved goes where fired went; an alert that was never sent stays quiet
    if (alert.notifications && !mutes.some((m) => muteCovers(m, alert))) await this.send(alert, 'resolved', at);
  }

  private async send(alert: AlertRecord, event: AlertNotification['event'], at: string): Promise<void> {
    alert.lastNotifiedAt = at;
    alert.notifications += 1;
    await this.store.update(alert.id, { lastNotifiedAt: at, notifications: alert.notifications });
    this.dispatcher.notify(toNotification(alert, event, at));
  }

  /**
   * Reads the tasks of services in trouble (failures, or below their replicas),
   * off this loop: the answer triggers another evaluation. A service whose
   * snapshot did not change is read again only every TASKS_MAX_AGE_MS.
   */
  private refreshTasks(snapshot: HealthSnapshot, rules: AlertRules, now: number): void {
    if (!snapshot.docker.reachable || (!rules.task_failed.enabled && !rules.replicas_below.enabled)) return;
    const wanted = new Set<string>();
    for (const s of snapshot.services) {
      if (s.recentFailures === 0 && s.running >= s.desired && !this.firing.has(`task_failed:${s.name}`)) continue;
      wanted.add(s.name);
      const signature = `${s.version}:${s.running}/${s.desired}:${s.recentFailures}:${s.lastError ?? ''}`;
      const entry = this.taskFacts.get(s.name) ?? { signature: '', fetchedAt: 0, fetching: false };
      this.taskFacts.set(s.name, entry);
      if (entry.fetching || (entry.signature === signature && now - entry.fetchedAt < TASKS_MAX_AGE_MS)) continue;
      entry.fetching = true;
      void this.readTasks(s.name)
        .then((facts) => Object.assign(entry, { facts, signature, fetchedAt: Date.now() }))
        .catch((err) => {
          // a failed read is not retried until the service changes or the facts age: else evaluate() would retry it at once, in a loop
          Object.assign(entry, { signature, fetchedAt: Date.now() });
          // a service removed before the next snapshot is no news
          if (err instanceof DomainError && err.code === 'NOT_FOUND') this.logger.debug(`tasks of ${s.name} not read: ${err.message}`);
          else this.logger.warn(`tasks of ${s.name} not read: ${(err as Error).message}`);
        })
        .finally(() => {
          entry.fetching = false;
          void this.evaluate();
        });
    }
    for (const name of [...this.taskFacts.keys()]) if (!wanted.has(name)) this.taskFacts.delete(name);
  }

  private async readTasks(service: string): Promise<ServiceTasks> {
    const tasks = await this.services.tasks(service);
    let constraints: string[] = [];
    if (tasks.some((t) => t.state === 'pending' && t.error)) {
      const spec = await this.services.inspect(service).catch(() => undefined);
      constraints = spec?.spec?.TaskTemplate?.Placement?.Constraints ?? [];
    }
    return { tasks, constraints };
  }
}

export function toNotification(a: AlertRecord, event: AlertNotification['event'], at: string): AlertNotification {
  return { event, alert: { ...alertFacts(a), severity: a.severity as AlertSeverity }, sentAt: at, source: 'swarm-orchestrator' };
}
