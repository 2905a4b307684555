import type { AlertChannelRecord, AlertFacts, AlertSeverity } from '@app/catalog';

export const CHANNEL_TYPES = ['webhook', 'ntfy', 'slack', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** What every channel is sent: the JSON body of the webhook, rendered as text by the others. */
export interface AlertNotification {
  /** fired, repeated (still firing after the rule's repeat interval), resolved, or test ("send test") */
  event: 'fired' | 'repeated' | 'resolved' | 'test';
  alert: Omit<AlertFacts, 'severity'> & { severity: AlertSeverity };
  sentAt: string;
  source: 'swarm-orchestrator';
}

/** One outside system alerts go to. `send` throws with the reason when the receiver did not take it. */
export interface AlertChannelAdapter {
  readonly type: ChannelType;
  /** Config keys that hold secrets: masked in every answer, kept when an edit sends the mask back. */
  readonly secrets: readonly string[];
  /** Problems with a channel's config, each naming the field ("config.url: must be an http(s) URL"). */
  check(config: Record<string, unknown>): string[];
  send(channel: AlertChannelRecord, n: AlertNotification, signal: AbortSignal): Promise<void>;
}

export function title(n: AlertNotification): string {
  const what =
    n.event === 'resolved'
      ? 'RESOLVED'
      : n.event === 'test'
        ? 'TEST'
        : n.event === 'repeated'
          ? `STILL FIRING ${n.alert.severity}`
          : `FIRING ${n.alert.severity}`;
  return `[${what}] ${n.alert.message}`;
}

export function text(n: AlertNotification): string {
  const lines = [title(n), `rule: ${n.alert.rule}  subject: ${n.alert.subject}`, `since: ${n.alert.startedAt}`];
  if (n.alert.resolvedAt) lines.push(`resolved: ${n.alert.resolvedAt}`);
  return lines.join('\n');
}

export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** POSTs and throws unless the receiver answers 2xx, with the status and the start of its answer. */
export async function postOrThrow(
  url: string,
  init: { body: string; headers: Record<string, string>; signal: AbortSignal },
): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: init.body, headers: init.headers, signal: init.signal, redirect: 'error' });
  if (res.ok) {
    await res.body?.cancel();
    return;
  }
  const answer = (await res.text().catch(() => '')).slice(0, 200);
  throw new Error(`HTTP ${res.status} from ${new URL(url).host}${answer ? `: ${answer}` : ''}`);
}
