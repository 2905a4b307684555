import { createTransport } from 'nodemailer';
import type { AlertChannelRecord } from '@app/catalog';
import { AlertChannelAdapter, AlertNotification, text, title } from './alert-channel';

export const EMAIL_TLS = ['starttls', 'tls', 'none'] as const;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/**
 * Email over SMTP. `tls`: `starttls` (default: upgrade on port 587 and refuse a
 * server that cannot), `tls` (implicit TLS, port 465) or `none` (a relay on a
 * trusted network only).
 */
export class EmailChannel implements AlertChannelAdapter {
  readonly type = 'email' as const;
  readonly secrets = ['password'] as const;

  check(c: Record<string, unknown>): string[] {
    const errors: string[] = [];
    if (typeof c.host !== 'string' || !c.host) errors.push('host: is required (the SMTP server)');
    if (c.port !== undefined && !(Number.isInteger(c.port) && (c.port as number) > 0 && (c.port as number) < 65536))
      errors.push('port: must be 1-65535');
    if (typeof c.from !== 'string' || !EMAIL.test(c.from)) errors.push('from: must be an email address');
    if (!Array.isArray(c.to) || !c.to.length || c.to.some((t) => typeof t !== 'string' || !EMAIL.test(t)))
      errors.push('to: must be a list of email addresses');
    if (c.tls !== undefined && !(EMAIL_TLS as readonly unknown[]).includes(c.tls))
      errors.push(`tls: must be one of ${EMAIL_TLS.join(', ')}`);
    if ((c.username === undefined) !== (c.password === undefined)) errors.push('password: username and password go together');
    return errors;
  }

  async send(channel: AlertChannelRecord, n: AlertNotification, signal: AbortSignal): Promise<void> {
    const c = channel.config as {
      host: string;
      port?: number;
      from: string;
      to: string[];
      tls?: (typeof EMAIL_TLS)[number];
      username?: string;
      password?: string;
    };
    const tls = c.tls ?? 'starttls';
    const transport = createTransport({
      host: c.host,
      port: c.port ?? (tls === 'tls' ? 465 : 587),
      secure: tls === 'tls',
      requireTLS: tls === 'starttls',
      ignoreTLS: tls === 'none',
      auth: c.username ? { user: c.username, pass: c.password } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 10_000,
    });
    const abort = () => transport.close();
    signal.addEventListener('abort', abort);
    try {
      await transport.sendMail({
        from: c.from,
        to: c.to,
        subject: title(n),
        text: `${text(n)}\n\n${JSON.stringify(n.alert.details ?? {}, null, 2)}\n`,
      });
    } finally {
      signal.removeEventListener('abort', abort);
      transport.close();
    }
  }
}
