import { currentToken } from '@/stores/auth';

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
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
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
    } catch {
      if (signal.aborted) return;
    }
    onState?.(false);
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 10_000);
  }
}
