import { currentToken } from '@/stores/auth';

/** Reads `event:`/`data:` blocks from a streamed body until it ends. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: unknown) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let i: number;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data !== undefined) onEvent(event, JSON.parse(data));
    }
  }
}

/**
 * Reads Server-Sent Events with fetch (so headers such as Authorization can be
 * sent, which EventSource cannot), calling `onEvent` for each event until
 * `signal` aborts. Reconnects after a drop with a short backoff.
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
      const token = currentToken();
      const res = await fetch(url, { headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) }, signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      onState?.(true);
      backoff = 500;
      await readEvents(res.body, onEvent);
    } catch {
      if (signal.aborted) return;
    }
    onState?.(false);
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 10_000);
  }
}

/**
 * POSTs and reads the answer as Server-Sent Events until it ends (a deploy's
 * progress). Throws the API's message when the answer is an error.
 */
export async function postSse(url: string, onEvent: (event: string, data: unknown) => void): Promise<void> {
  const token = currentToken();
  const res = await fetch(url, { method: 'POST', headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `HTTP ${res.status}`);
  }
  await readEvents(res.body, onEvent);
}
