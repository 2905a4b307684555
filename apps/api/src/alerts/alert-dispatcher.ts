import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { AlertChannelRecord, AlertChannelStore } from '@app/catalog';
import { AlertNotification, CHANNEL_ADAPTERS, ChannelType } from './channels';

export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}
export const ALERT_RETRY_POLICY = Symbol('ALERT_RETRY_POLICY');
/** 1, 2, 4, 8, 16 s between six attempts: a receiver down for half a minute still gets the alert. */
const DEFAULT_RETRY: RetryPolicy = { attempts: 6, firstDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 10_000 };
/** Per channel; past it the oldest waiting notification is dropped (and logged), so a dead receiver cannot grow memory. */
const MAX_QUEUED = 100;

/** Whether a channel takes this notification: its severities and rules (empty: all). */
export function channelWants(c: AlertChannelRecord, n: AlertNotification): boolean {
  if (!c.enabled) return false;
  if (c.severities.length && !c.severities.includes(n.alert.severity)) return false;
  return !c.rules.length || c.rules.includes(n.alert.rule);
}

/**
 * Sends notifications to the channels, off the caller's path: `notify` returns
 * at once. Each channel has its own queue (fired before resolved, in order);
 * a failure is retried with exponential backoff and recorded on the channel
 * (lastError, consecutiveFailures), so a failing channel shows, and one slow
 * receiver never delays another or the monitor.
 */
@Injectable()
export class AlertDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private readonly queues = new Map<number, { items: AlertNotification[]; running: boolean }>();
  private readonly abort = new AbortController();
  private readonly retry: RetryPolicy;

  constructor(
    private readonly store: AlertChannelStore,
    @Optional() @Inject(ALERT_RETRY_POLICY) retry?: Partial<RetryPolicy>,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  onModuleDestroy(): void {
    this.abort.abort();
  }

  notify(n: AlertNotification): void {
    void this.store
      .list()
      .then((channels) => channels.filter((c) => channelWants(c, n)).forEach((c) => this.enqueue(c.id, n)))
      .catch((err) => this.logger.error(`alert ${n.alert.id} not sent: the channels cannot be read: ${(err as Error).message}`));
  }

  /** Waiting and in-flight notifications, per channel id. */
  backlog(): Map<number, number> {
    return new Map([...this.queues].map(([id, q]) => [id, q.items.length]));
  }

  /** One attempt, now, outside the queue: the "send test" action. */
  async sendOnce(channel: AlertChannelRecord, n: AlertNotification): Promise<{ ok: boolean; error?: string }> {
    const at = new Date().toISOString();
    try {
      await this.deliver(channel, n);
      await this.store.recordDelivery(channel.id, { ok: true, at });
      return { ok: true };
    } catch (err) {
      const error = describe(err);
      await this.store.recordDelivery(channel.id, { ok: false, at, error });
      return { ok: false, error };
    }
  }

  private enqueue(channelId: number, n: AlertNotification): void {
    const q = this.queues.get(channelId) ?? { items: [], running: false };
    this.queues.set(channelId, q);
    q.items.push(n);
    if (q.items.length > MAX_QUEUED) {
      const dropped = q.items.splice(q.running ? 1 : 0, 1)[0];
      this.logger.warn(`channel ${channelId}: ${MAX_QUEUED} notifications waiting; dropped the one for alert ${dropped.alert.id}`);
    }
    if (!q.running) void this.drain(channelId, q);
  }

  private async drain(channelId: number, q: { items: AlertNotification[]; running: boolean }): Promise<void> {
    q.running = true;
    try {
      while (q.items.length && !this.abort.signal.aborted) {
        await this.sendWithRetry(channelId, q.items[0]);
        q.items.shift();
      }
    } finally {
      q.running = false;
      if (!q.items.length) this.queues.delete(channelId);
    }
  }

  private async sendWithRetry(channelId: number, n: AlertNotification): Promise<void> {
    let delay = this.retry.firstDelayMs;
    for (let attempt = 1; attempt <= this.retry.attempts && !this.abort.signal.aborted; attempt++) {
      // read each time: an edited or deleted channel takes effect on the next attempt
      const channel = await this.store.get(channelId).catch(() => undefined);
      if (!channel || !channelWants(channel, n)) return;
      const at = new Date().toISOString();
      try {
        await this.deliver(channel, n);
        await this.store.recordDelivery(channelId, { ok: true, at }).catch(() => undefined);
        return;
      } catch (err) {
        // shutting down: not the receiver's fault, and nothing to record
        if (this.abort.signal.aborted) return;
        const error = `attempt ${attempt} of ${this.retry.attempts}: ${describe(err)}`;
        await this.store.recordDelivery(channelId, { ok: false, at, error }).catch(() => undefined);
        this.logger.warn(`channel "${channel.name}" (${channel.type}) did not take alert ${n.alert.id} (${n.event}): ${error}`);
        if (attempt === this.retry.attempts) return;
        await sleep(delay, this.abort.signal);
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
    }
  }

  private async deliver(channel: AlertChannelRecord, n: AlertNotification): Promise<void> {
    const adapter = CHANNEL_ADAPTERS[channel.type as ChannelType];
    if (!adapter) throw new Error(`unknown channel type ${channel.type}`);
    // one controller per attempt, unhooked after it: AbortSignal.any on the long-lived shutdown signal would keep every attempt's signal alive
    const attempt = new AbortController();
    const onShutdown = () => attempt.abort();
    const timer = setTimeout(() => attempt.abort(new DOMException('no answer in time', 'TimeoutError')), this.retry.timeoutMs);
    this.abort.signal.addEventListener('abort', onShutdown, { once: true });
    try {
      await adapter.send(channel, n, attempt.signal);
    } catch (err) {
      throw attempt.signal.reason?.name === 'TimeoutError' ? attempt.signal.reason : err;
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onShutdown);
    }
  }
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { message?: string; code?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause && !String(e?.message).includes(String(cause)) ? ` (${cause})` : ''}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
