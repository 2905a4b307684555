import type { LogOptions } from '@app/swarm';
import type { SseMessage } from '../common/sse';
import type { LogsQuery } from './catalog-service.dto';
import type { DeploymentService } from './deployment.service';

const DEFAULT_TAIL = 200;

export function logsOptions(q: LogsQuery, signal?: AbortSignal): LogOptions {
  const since = q.since && /^\d+[smh]$/.test(q.since) ? relativeSince(q.since) : q.since;
  return { tail: q.tail ?? DEFAULT_TAIL, since, timestamps: q.timestamps, follow: q.follow, signal };
}

function relativeSince(d: string): number {
  const n = Number(d.slice(0, -1));
  const unit = { s: 1, m: 60, h: 3600 }[d.slice(-1) as 's' | 'm' | 'h'];
  return Math.floor(Date.now() / 1000) - n * unit;
}

/**
 * A service's log lines as `line` events, starting with an `open` event so
 * headers go out at once, and ending with an `end` event (`removed`, `reason`)
 * when the stream ends by itself.
 */
export async function* logEvents(deployments: DeploymentService, name: string, q: LogsQuery, signal: AbortSignal): AsyncGenerator<SseMessage> {
  // a missing service is still a plain 404: check before the stream opens, then open at once (a quiet service prints nothing for a while)
  await deployments.ensureDeployed(name);
  yield { event: 'open', data: { service: name } };
  for await (const line of deployments.logs(name, logsOptions(q, signal))) yield { event: 'line', data: line };
  if (signal.aborted) return;
  // the stream ended by itself: say why, so the client stops instead of reconnecting to a 404
  // with Docker unreachable it is not a removal: the client should reconnect, not give up
  const gone = await deployments.isDeployed(name).then((deployed) => !deployed, () => false);
  yield { event: 'end', data: { service: name, removed: gone, reason: gone ? 'the service was removed from the swarm' : 'the Engine closed the log stream' } };
}

/** Convergence progress (`progress` events, replica by replica), then the `result`. */
export async function* deployEvents(deployments: DeploymentService, name: string, timeout?: number): AsyncGenerator<SseMessage> {
  const queue: SseMessage[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  const push = (m: SseMessage) => {
    queue.push(m);
    wake?.();
  };
  void deployments
    .deployService(name, { wait: true, timeoutSeconds: timeout, onProgress: (p) => push({ event: 'progress', data: p }) })
    .then((result) => push({ event: 'result', data: result }))
    .catch((err) => (failure = err))
    .finally(() => {
      done = true;
      wake?.();
    });
  yield { event: 'open', data: { service: name } };
  for (;;) {
    while (queue.length) yield queue.shift()!;
    if (done) break;
    await new Promise<void>((r) => (wake = r));
    wake = undefined;
  }
  if (failure) throw failure;
}
