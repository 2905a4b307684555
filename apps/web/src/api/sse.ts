import { createParser } from 'eventsource-parser';
import { currentToken } from '@/stores/auth';
import { onUnauthorized } from './client';

/** Reads Server-Sent Events from a streamed body until it ends. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: unknown) => void): Promise<void> {
  // onEvent may throw (a deploy's `error` event): feed() passes it on, and so does this function
  const parser = createParser({ onEvent: (m) => onEvent(m.event ?? 'message', JSON.parse(m.data)) });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(decoder.decode(value, { stream: true }));
  }
}

/** The API ends every stream whose token was revoked or expired with `event: end` and the reason. */
const ACCESS_ENDS = new Set(['token revoked', 'token expired']);
function accessEnd(event: string, data: unknown): string | undefined {
  if (event !== 'end') return undefined;
  const d = data as { reason?: string; message?: string } | null;
  return d?.reason && ACCESS_ENDS.has(d.reason) ? d.reason : undefined;
}

async function messageOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  return body.message ?? `HTTP ${res.status}`;
}

const headers = () => {
  const token = currentToken();
  return { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) };
};

/**
 * Reads Server-Sent Events with fetch (so headers such as Authorization can be
 * sent, which EventSource cannot), calling `onEvent` for each event until
 * `signal` aborts. Reconnects after a drop with a short backoff; stops for good
 * when the token is refused (the sign-in page takes over).
 */
export async function subscribeSse(
  url: string,
  onEvent: (event: string, data: unknown) => void,
  signal: AbortSignal,
  onState?: (connected: boolean) => void,
): Promise<void> {
  let backoff = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch(url, { headers: headers(), signal });
      if (res.status === 401) {
        onState?.(false);
        onUnauthorized(await messageOf(res));
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      onState?.(true);
      backoff = 500;
      let ended: string | undefined;
      await readEvents(res.body, (event, data) => {
        ended ??= accessEnd(event, data);
        onEvent(event, data);
      });
      // the session ended: sign out with the reason rather than reconnecting with a dead token
      if (ended) {
        onState?.(false);
        onUnauthorized(ended);
        return;
      }
    } catch {
      if (signal.aborted) break;
    }
    onState?.(false);
    if (signal.aborted) break;
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 10_000);
  }
  onState?.(false);
}

/**
 * POSTs and reads the answer as Server-Sent Events until it ends (a deploy's
 * progress). Throws the API's message when the answer is an error.
 */
export async function postSse(url: string, onEvent: (event: string, data: unknown) => void): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: headers() });
  if (res.status === 401) onUnauthorized(await messageOf(res.clone()));
  if (!res.ok || !res.body) throw new Error(await messageOf(res));
  let ended: string | undefined;
  await readEvents(res.body, (event, data) => {
    ended ??= accessEnd(event, data);
    onEvent(event, data);
  });
  if (ended) onUnauthorized(ended);
}
