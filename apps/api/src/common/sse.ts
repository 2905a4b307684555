import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessEnd } from '../auth/principal';

export interface SseMessage {
  event?: string;
  data: unknown;
}

const HEARTBEAT_MS = 15_000;

/** The last event of a stream whose caller's token was revoked or expired. */
export function accessEndMessage(reason: AccessEnd): SseMessage {
  return { event: 'end', data: { reason, message: `the stream ended: ${reason}; sign in with a valid token to reconnect` } };
}

/**
 * Streams `source` as Server-Sent Events. The first message is awaited before
 * the response starts, so an error up front (404, 503) is still an ordinary
 * JSON error; `abort` fires when the client goes away, to end the source.
 * Every stream lives only as long as the caller's access: when the token is
 * revoked or expires, the last event is `end` with the reason, and the source
 * is ended, whatever it was waiting for.
 */
export async function sendSse(
  request: FastifyRequest,
  reply: FastifyReply,
  open: (signal: AbortSignal) => AsyncIterator<SseMessage>,
): Promise<void> {
  const abort = new AbortController();
  let accessEnded: (reason: AccessEnd) => void = () => undefined;
  const ended = new Promise<{ accessEnd: AccessEnd }>((resolve) => (accessEnded = (reason) => resolve({ accessEnd: reason })));
  const unwatch = request.watchAccess?.((reason) => accessEnded(reason)) ?? (() => undefined);
  const it = open(abort.signal);
  const next = () => Promise.race([it.next(), ended]);
  let heartbeat: NodeJS.Timeout | undefined;
  let raw: FastifyReply['raw'] | undefined;
  try {
    const first = await next();
    reply.hijack();
    raw = reply.raw;
    const out = raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    const write = (m: SseMessage) => out.write(`${m.event ? `event: ${m.event}\n` : ''}data: ${JSON.stringify(m.data)}\n\n`);
    heartbeat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => abort.abort());
    try {
      for (let step = first; !abort.signal.aborted; step = await next()) {
        if ('accessEnd' in step) {
          write(accessEndMessage(step.accessEnd));
          break;
        }
        if (step.done) break;
        write(step.value);
      }
    } catch (err) {
      if (!abort.signal.aborted) write({ event: 'error', data: { message: (err as Error).message } });
    }
  } finally {
    unwatch();
    clearInterval(heartbeat);
    abort.abort();
    // a source blocked on its next value gets the abort; do not wait for it to notice
    void Promise.resolve(it.return?.(undefined)).catch(() => undefined);
    raw?.end();
  }
}
