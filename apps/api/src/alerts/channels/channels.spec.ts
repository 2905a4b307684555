import { createHmac } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { AlertChannelRecord } from '@app/catalog';
import { AlertDispatcher, channelWants } from '../alert-dispatcher';
import { maskChannelConfig } from '../alert-channels.service';
import { exitCodeMeaning, explainTask } from '../task-reason';
import { CHANNEL_ADAPTERS, AlertNotification, signWebhook } from '.';
import { ntfyPriority } from './ntfy.channel';

const notification = (over: Partial<AlertNotification['alert']> = {}): AlertNotification => ({
  event: 'fired',
  alert: {
    id: 7,
    rule: 'node_down',
    severity: 'critical',
    state: 'firing',
    subject: 'rog1',
    node: 'rog1',
    message: 'node rog1 is down',
    startedAt: '2026-11-30T10:00:00.000Z',
    firedAt: '2026-11-30T10:00:00.000Z',
    ...over,
  },
  sentAt: '2026-11-30T10:00:01.000Z',
  source: 'swarm-orchestrator',
});

const channel = (over: Partial<AlertChannelRecord>): AlertChannelRecord => ({
  id: 1,
  name: 'c',
  type: 'webhook',
  enabled: true,
  severities: [],
  rules: [],
  config: {},
  createdAt: '',
  updatedAt: '',
  consecutiveFailures: 0,
  ...over,
});

describe('alert channels', () => {
  it('sign the webhook body: HMAC-SHA256 of "<timestamp>.<body>", hex, prefixed sha256=', () => {
    const expected = createHmac('sha256', 'k'.repeat(16)).update('1700000000.{"a":1}').digest('hex');
    expect(signWebhook('k'.repeat(16), '1700000000', '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('check a channel naming each field at fault', () => {
    expect(CHANNEL_ADAPTERS.webhook.check({ url: 'ftp://x', secret: 'short' })).toEqual([
      'url: must be an http(s) URL',
      'secret: must be at least 16 characters (it keys the HMAC signature)',
    ]);
    expect(CHANNEL_ADAPTERS.ntfy.check({ url: 'https://ntfy.sh/' })).toEqual([
      'url: must end with the topic, e.g. https://ntfy.sh/my-alerts',
    ]);
    expect(CHANNEL_ADAPTERS.email.check({ host: 'smtp', from: 'nope', to: [], tls: 'maybe', username: 'u' })).toEqual([
      'from: must be an email address',
      'to: must be a list of email addresses',
      'tls: must be one of starttls, tls, none',
      'password: username and password go together',
    ]);
    expect(CHANNEL_ADAPTERS.slack.check({ url: 'https://hooks.slack.com/services/T/B/x' })).toEqual([]);
  });

  it('mask secrets, keeping the origin of a URL that is the credential', () => {
    expect(maskChannelConfig('webhook', { url: 'https://h/x', secret: 's'.repeat(20) })).toEqual({
      url: 'https://h/x',
      secret: '********',
    });
    expect(maskChannelConfig('slack', { url: 'https://hooks.slack.com/services/T/B/x' })).toEqual({
      url: 'https://hooks.slack.com/********',
    });
    expect(maskChannelConfig('email', { host: 'smtp', username: 'u', password: 'p' })).toEqual({
      host: 'smtp',
      username: 'u',
      password: '********',
    });
  });

  it('map severity to ntfy priority, and filter by severity and rule', () => {
    expect([
      ntfyPriority('critical', 'fired'),
      ntfyPriority('warning', 'fired'),
      ntfyPriority('info', 'fired'),
      ntfyPriority('critical', 'resolved'),
    ]).toEqual([5, 4, 2, 3]);
    expect(channelWants(channel({ severities: ['warning'] }), notification())).toBe(false);
    expect(channelWants(channel({ rules: ['node_down'] }), notification())).toBe(true);
    expect(channelWants(channel({ enabled: false }), notification())).toBe(false);
  });

  it('explain a task failure in plain words', () => {
    expect(exitCodeMeaning(137)).toMatch(/^stopped by signal 9 \(SIGKILL: killed/);
    expect(exitCodeMeaning(127)).toBe('the command was not found in the image');
    expect(
      explainTask({
        id: 't',
        serviceId: 's',
        desiredState: 'shutdown',
        state: 'rejected',
        image: 'mini2:5000/web:9',
        error: 'No such image: mini2:5000/web:9',
      }).reason,
    ).toBe('image pull failed (mini2:5000/web:9): No such image: mini2:5000/web:9');
  });
});

describe('AlertDispatcher', () => {
  let server: Server;
  let url: string;
  let hits: number[];
  let answers: number[];

  beforeEach(async () => {
    hits = [];
    answers = [];
    server = createServer((req, res) => {
      hits.push(Date.now());
      req.resume();
      req.on('end', () => res.writeHead(answers.shift() ?? 200).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  function dispatcher(ch: AlertChannelRecord) {
    const outcomes: Array<{ ok: boolean; error?: string }> = [];
    const store = {
      list: jest.fn(async () => [ch]),
      get: jest.fn(async () => ch),
      recordDelivery: jest.fn(async (_id: number, o: { ok: boolean; error?: string }) => void outcomes.push(o)),
    };
    return { d: new AlertDispatcher(store as any, { attempts: 4, firstDelayMs: 200, maxDelayMs: 1000, timeoutMs: 2000 }), outcomes };
  }

  it('retries a failing receiver with growing delays, records each failure, and returns at once to the caller', async () => {
    answers = [500, 503];
    const { d, outcomes } = dispatcher(channel({ config: { url, secret: 's'.repeat(16) } }));
    const started = Date.now();
    d.notify(notification());
    expect(Date.now() - started).toBeLessThan(20);
    for (let i = 0; i < 100 && outcomes.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(outcomes.map((o) => o.ok)).toEqual([false, false, true]);
    expect(outcomes[0].error).toMatch(/^attempt 1 of 4: HTTP 500 from 127\.0\.0\.1:\d+$/);
    // 200 ms, then 400 ms
    expect(hits[1] - hits[0]).toBeGreaterThanOrEqual(195);
    expect(hits[2] - hits[1]).toBeGreaterThanOrEqual(395);
    d.onModuleDestroy();
  });

  it('gives up after the last attempt and says so', async () => {
    answers = [500, 500, 500, 500];
    const { d, outcomes } = dispatcher(channel({ config: { url, secret: 's'.repeat(16) } }));
    d.notify(notification());
    for (let i = 0; i < 300 && outcomes.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect(outcomes.map((o) => o.error)).toEqual(
      [1, 2, 3, 4].map((n) => expect.stringMatching(new RegExp(`^attempt ${n} of 4: HTTP 500`))),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(hits).toHaveLength(4);
    d.onModuleDestroy();
  });
});
