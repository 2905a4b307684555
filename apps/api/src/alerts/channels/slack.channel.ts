import type { AlertChannelRecord } from '@app/catalog';
import { AlertChannelAdapter, AlertNotification, isHttpUrl, postOrThrow, text, title } from './alert-channel';

const COLORS = { critical: '#d92d20', warning: '#f79009', info: '#2e90fa', resolved: '#12b76a' } as const;

/**
 * A Slack incoming webhook, or what accepts its format (Mattermost, Rocket.Chat,
 * Discord's `/slack` endpoint): `text` for clients that show only that, and one
 * coloured attachment with the facts.
 */
export class SlackChannel implements AlertChannelAdapter {
  readonly type = 'slack' as const;
  // the webhook URL is the credential: whoever has it may post
  readonly secrets = ['url'] as const;

  check(c: Record<string, unknown>): string[] {
    return isHttpUrl(c.url) ? [] : ['url: must be the incoming webhook URL (http or https)'];
  }

  async send(channel: AlertChannelRecord, n: AlertNotification, signal: AbortSignal): Promise<void> {
    const color = n.event === 'resolved' ? COLORS.resolved : COLORS[n.alert.severity];
    const fields = [
      { title: 'rule', value: n.alert.rule, short: true },
      { title: 'severity', value: n.alert.severity, short: true },
      { title: 'subject', value: n.alert.subject, short: true },
      { title: 'since', value: n.alert.startedAt, short: true },
    ];
    await postOrThrow(String(channel.config.url), {
      signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: title(n),
        ...(typeof channel.config.username === 'string' ? { username: channel.config.username } : {}),
        attachments: [
          { color, fallback: text(n), title: title(n), text: n.alert.message, fields, ts: Math.floor(Date.parse(n.sentAt) / 1000) },
        ],
      }),
    });
  }
}
