import { AsyncQueue } from '@app/common';
import type { SseMessage } from '../common/sse';
import type { HealthMonitor } from './health-monitor';

/** The monitor's changes as SSE messages, beginning with the current snapshot; ends when `signal` aborts. */
export async function* changeStream(monitor: HealthMonitor, signal: AbortSignal): AsyncGenerator<SseMessage> {
  const queue = new AsyncQueue<SseMessage>(signal);
  const sub = monitor.changes$.subscribe((c) => queue.push({ event: c.type, data: c }));
  try {
    yield { event: 'snapshot', data: monitor.snapshot() };
    yield* queue;
  } finally {
    sub.unsubscribe();
  }
}
