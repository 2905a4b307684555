import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { ApiTokenStore } from '@app/catalog';
import { removeServices } from '../fixtures/docker';
import { labImage } from '../fixtures/lab';
import { collectSse } from '../fixtures/sse';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-access-';
jest.setTimeout(120_000);

/** Every long-lived stream a token can hold: the event stream, a followed log, an MCP session's GET stream. */
async function openStreams(t: TestApp, token: string, service: string) {
  const events = collectSse(await t.api('/api/events', { token }));
  const logsRes = await t.api(`/api/services/${service}/logs?follow=true&tail=1`, { token });
  expect(logsRes.headers.get('content-type')).toContain('text/event-stream');
  const logs = collectSse(logsRes);
  const notices: Array<{ data: any; at: number }> = [];
  const mcp = new Client({ name: 'access-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    reconnectionOptions: { maxReconnectionDelay: 1_000, initialReconnectionDelay: 500, reconnectionDelayGrowFactor: 1, maxRetries: 1 },
  });
  transport.onerror = () => undefined;
  mcp.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void notices.push({ data: n.params.data, at: Date.now() }));
  await mcp.connect(transport);
  expect((await mcp.listTools()).tools.length).toBeGreaterThan(0);
  // the client opens its GET stream once initialized; and the log stream is live once a line came
  await logs.waitFor((e) => e.event === 'line', 20_000, 'a log line');
  await new Promise((r) => setTimeout(r, 1_000));
  return { events, logs, mcp, notices };
}

async function expectEnded(streams: Awaited<ReturnType<typeof openStreams>>, reason: string, since: number) {
  const end = (e: { event: string }) => e.event === 'end';
  const left = since + 5_000 - Date.now();
  const [ev, log] = await Promise.all([
    streams.events.waitFor(end, left, 'end of /api/events'),
    streams.logs.waitFor(end, left, 'end of the followed log'),
  ]);
  for (const e of [ev, log]) {
    expect(e.data).toMatchObject({ reason });
    expect((e as unknown as { receivedAt: number }).receivedAt - since).toBeLessThan(5_000);
  }
  // nothing follows the end event: the server closed the response
  for (const s of [streams.events, streams.logs]) expect(s.events[s.events.length - 1].event).toBe('end');
  const deadline = since + 5_000;
  while (!streams.notices.some((n) => n.data?.event === 'end') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const notice = streams.notices.find((n) => n.data?.event === 'end');
  expect(notice?.data).toEqual({ event: 'end', reason, message: `MCP session closed: ${reason}` });
  expect(notice!.at - since).toBeLessThan(5_000);
  // and the session cannot go on with that token
  await expect(streams.mcp.listTools()).rejects.toThrow(/401/);
  await streams.mcp.close().catch(() => undefined);
  await streams.events.stop();
  await streams.logs.stop();
}

describe('a stream lives as long as its token', () => {
  let t: TestApp;
  const service = `${PREFIX}talk`;
  const issue = async (name: string, expiresAt?: string) => {
    const res = await t.api('/api/auth/tokens', { method: 'POST', json: { name, role: 'operator', expiresAt } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; token: string };
  };

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
    expect(
      (
        await t.api('/api/services', {
          method: 'POST',
          json: { name: service, image: labImage(), command: 'sh -c "while true; do echo beat; sleep 1; done"' },
        })
      ).status,
    ).toBe(201);
    expect((await t.api(`/api/services/${service}/deploy?wait=true`, { method: 'POST' })).status).toBeLessThan(300);
  });
  afterAll(async () => {
    await t?.close();
    await removeServices(PREFIX);
  });

  it('ends /api/events, a followed log and an MCP session within 5 s of a revoke, saying why', async () => {
    const { id, token } = await issue('streamer');
    const streams = await openStreams(t, token, service);
    expect(streams.events.events.some((e) => e.event === 'end')).toBe(false);
    const revokedAt = Date.now();
    expect((await t.api(`/api/auth/tokens/${id}`, { method: 'DELETE' })).status).toBe(204);
    await expectEnded(streams, 'token revoked', revokedAt);
  });

  it('ends them when the token expires', async () => {
    const expiresAt = new Date(Date.now() + 8_000);
    const { token } = await issue('short-lived', expiresAt.toISOString());
    const streams = await openStreams(t, token, service);
    expect(streams.logs.events.some((e) => e.event === 'end')).toBe(false);
    expect(Date.now()).toBeLessThan(expiresAt.getTime());
    await expectEnded(streams, 'token expired', expiresAt.getTime());
  });

  it('ends a stream when the token is revoked elsewhere (another instance on the same database), on the re-check', async () => {
    const { id, token } = await issue('elsewhere');
    const events = collectSse(await t.api('/api/events', { token }));
    await events.waitFor(() => true, 5_000, 'a first event');
    // straight to the store, as another instance's revoke would: no notice reaches this process
    const revokedAt = Date.now();
    await t.app.get(ApiTokenStore).revoke(id);
    const end = await events.waitFor((e) => e.event === 'end', 5_000, 'the end');
    expect(end.data).toMatchObject({ reason: 'token revoked' });
    expect(end.receivedAt - revokedAt).toBeLessThan(5_000);
    await events.stop();
  });
});
