import type { SseMessage } from '../common/sse';
import type { HealthMonitor } from './health-monitor';

/** The monitor's changes as SSE messages, beginning with the current snapshot; ends when `signal` aborts. */
export async function* changeStream(monitor: HealthMonitor, signal: AbortSignal): AsyncGenerator<SseMessage> {
  const queue: SseMessage[] = [];
  let wake: (() => void) | undefined;
  const sub = monitor.changes$.subscribe((c) => {
    queue.push({ event: c.type, data: c });
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    yield { event: 'snapshot', data: monitor.snapshot() };
    while (!signal.aborted) {
      while (queue.length) yield queue.shift()!;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    sub.unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}
