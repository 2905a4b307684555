import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseMessage {
  event?: string;
  data: unknown;
}

const HEARTBEAT_MS = 15_000;

/**
 * Streams `source` as Server-Sent Events. The first message is awaited before
 * the response starts, so an error up front (404, 503) is still an ordinary
 * JSON error; `abort` fires when the client goes away, to end the source.
 */
export async function sendSse(
  request: FastifyRequest,
  reply: FastifyReply,
  open: (signal: AbortSignal) => AsyncIterator<SseMessage>,
): Promise<void> {
  const abort = new AbortController();
  const it = open(abort.signal);
  const first = await it.next();
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(request.id),
  });
  const write = (m: SseMessage) => raw.write(`${m.event ? `event: ${m.event}\n` : ''}data: ${JSON.stringify(m.data)}\n\n`);
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  request.raw.on('close', () => abort.abort());
  try {
    if (!first.done) write(first.value);
    for (let next = await it.next(); !next.done && !abort.signal.aborted; next = await it.next()) write(next.value);
  } catch (err) {
    if (!abort.signal.aborted) write({ event: 'error', data: { message: (err as Error).message } });
  } finally {
    clearInterval(heartbeat);
    abort.abort();
    await it.return?.(undefined).catch(() => undefined);
    raw.end();
  }
}
