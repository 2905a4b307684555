import { AsyncQueue } from '@app/common';
import type { LogOptions } from '@app/swarm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendSse, type SseMessage } from '../common/sse';
import type { DeploymentService } from './deployment.service';
import type { LogLineDto, LogsQuery } from './service-logs.dto';
import type { ServiceLogsService } from './service-logs.service';

const DEFAULT_TAIL = 200;

/** A logs route's answer, whichever route: the lines at once, or with follow=true Server-Sent Events until the client leaves. */
export async function serveLogs(
  serviceLogs: ServiceLogsService,
  name: string,
  q: LogsQuery,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<LogLineDto[] | void> {
  if (!q.follow) {
    const lines: LogLineDto[] = [];
    for await (const l of serviceLogs.logs(name, logsOptions(q))) lines.push(l);
    return lines;
  }
  await sendSse(request, reply, (signal) => logEvents(serviceLogs, name, q, signal));
}

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
export async function* logEvents(
  deployments: ServiceLogsService,
  name: string,
  q: LogsQuery,
  signal: AbortSignal,
): AsyncGenerator<SseMessage> {
  // a missing service is still a plain 404: check before the stream opens, then open at once (a quiet service prints nothing for a while)
  await deployments.ensureDeployed(name);
  yield { event: 'open', data: { service: name } };
  for await (const line of deployments.logs(name, logsOptions(q, signal))) yield { event: 'line', data: line };
  if (signal.aborted) return;
  // the stream ended by itself: say why, so the client stops instead of reconnecting to a 404
  // with Docker unreachable it is not a removal: the client should reconnect, not give up
  const gone = await deployments.isDeployed(name).then(
    (deployed) => !deployed,
    () => false,
  );
  yield {
    event: 'end',
    data: { service: name, removed: gone, reason: gone ? 'the service was removed from the swarm' : 'the Engine closed the log stream' },
  };
}

/** Convergence progress (`progress` events, replica by replica), then the `result`. */
export async function* deployEvents(
  deployments: DeploymentService,
  name: string,
  opts: { timeoutSeconds?: number; actor?: string },
): AsyncGenerator<SseMessage> {
  const queue = new AsyncQueue<SseMessage>();
  void deployments
    .deployService(name, { ...opts, wait: true, onProgress: (p) => queue.push({ event: 'progress', data: p }) })
    .then((result) => {
      queue.push({ event: 'result', data: result });
      queue.end();
    })
    .catch((err: unknown) => queue.end(err));
  yield { event: 'open', data: { service: name } };
  yield* queue;
}
