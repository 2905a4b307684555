import type { AlertChannelRecord, AlertSeverity } from '@app/catalog';
import { AlertChannelAdapter, AlertNotification, isHttpUrl, postOrThrow, text, title } from './alert-channel';

/** ntfy's priorities: 5 urgent, 4 high, 3 default, 2 low. A resolved alert is never urgent. */
export function ntfyPriority(severity: AlertSeverity, event: AlertNotification['event']): number {
  if (event === 'resolved' || event === 'test') return 3;
  return severity === 'critical' ? 5 : severity === 'warning' ? 4 : 2;
}

/** ntfy (ntfy.sh or self-hosted): a message to the topic URL, published as JSON to the server's root. */
export class NtfyChannel implements AlertChannelAdapter {
  readonly type = 'ntfy' as const;
  readonly secrets = ['token', 'password'] as const;

  check(c: Record<string, unknown>): string[] {
    if (!isHttpUrl(c.url)) return ['url: must be the topic URL, e.g. https://ntfy.sh/my-alerts'];
    const topic = new URL(String(c.url)).pathname.split('/').filter(Boolean).pop();
    return topic ? [] : ['url: must end with the topic, e.g. https://ntfy.sh/my-alerts'];
  }

  async send(channel: AlertChannelRecord, n: AlertNotification, signal: AbortSignal): Promise<void> {
    const url = new URL(String(channel.config.url));
    const parts = url.pathname.split('/').filter(Boolean);
    const topic = parts.pop()!;
    const root = `${url.origin}/${parts.join('/')}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const { token, username, password } = channel.config as Record<string, string | undefined>;
    if (token) headers.authorization = `Bearer ${token}`;
    else if (username && password) headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const tags =
      n.event === 'resolved'
        ? ['white_check_mark']
        : n.alert.severity === 'critical'
          ? ['rotating_light']
          : n.alert.severity === 'warning'
            ? ['warning']
            : ['information_source'];
    await postOrThrow(root, {
      headers,
      signal,
      body: JSON.stringify({
        topic,
        title: title(n),
        message: text(n),
        priority: ntfyPriority(n.alert.severity, n.event),
        tags: [...tags, n.alert.rule],
      }),
    });
  }
}
