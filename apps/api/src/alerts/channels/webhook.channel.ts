import { createHmac } from 'node:crypto';
import type { AlertChannelRecord } from '@app/catalog';
import { AlertChannelAdapter, AlertNotification, isHttpUrl, postOrThrow } from './alert-channel';

export const SIGNATURE_HEADER = 'x-swarm-signature';
export const TIMESTAMP_HEADER = 'x-swarm-timestamp';

/**
 * `sha256=` + hex HMAC-SHA256, keyed with the channel's secret, of
 * `<timestamp>.<raw body>`: the receiver recomputes it over the bytes it got
 * and refuses a stale timestamp, so a captured request cannot be replayed later.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A generic JSON webhook: the notification as the body, signed with an HMAC header. */
export class WebhookChannel implements AlertChannelAdapter {
  readonly type = 'webhook' as const;
  readonly secrets = ['secret'] as const;

  check(c: Record<string, unknown>): string[] {
    const errors: string[] = [];
    if (!isHttpUrl(c.url)) errors.push('url: must be an http(s) URL');
    if (typeof c.secret !== 'string' || c.secret.length < 16)
      errors.push('secret: must be at least 16 characters (it keys the HMAC signature)');
    return errors;
  }

  async send(channel: AlertChannelRecord, n: AlertNotification, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(n);
    const timestamp = String(Math.floor(Date.now() / 1000));
    await postOrThrow(String(channel.config.url), {
      body,
      signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'swarm-orchestrator-alerts',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(String(channel.config.secret), timestamp, body),
      },
    });
  }
}
