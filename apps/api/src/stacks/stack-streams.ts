import type { StackLogOptions } from '@app/swarm';
import type { SseMessage } from '../common/sse';
import type { StackLogsQuery } from './stack-logs.dto';
import { toStackLogLineDto } from './stack-logs.dto';
import type { StackDeployOptions, StacksService } from './stacks.service';

const DEFAULT_TAIL = 200;

export function stackLogsOptions(q: StackLogsQuery, signal?: AbortSignal): StackLogOptions {
  const since = q.since && /^\d+[smh]$/.test(q.since) ? relativeSince(q.since) : q.since;
  return { tail: q.tail ?? DEFAULT_TAIL, since, timestamps: q.timestamps, follow: q.follow, filter: q.q || undefined, signal };
}

function relativeSince(d: string): number {
  const n = Number(d.slice(0, -1));
  const unit = { s: 1, m: 60, h: 3600 }[d.slice(-1) as 's' | 'm' | 'h'];
  return Math.floor(Date.now() / 1000) - n * unit;
}

/**
 * The merged log of a stack as `line` events, opened by an `open` event so
 * headers go out at once, closed by an `end` event when the stream ends by
 * itself (`removed` when the stack left the swarm).
 */
export async function* stackLogEvents(
  stacks: StacksService,
  name: string,
  q: StackLogsQuery,
  signal: AbortSignal,
): AsyncGenerator<SseMessage> {
  // a stack that is not on the swarm is still a plain 404, before the stream opens
  await stacks.ensureDeployed(name);
  yield { event: 'open', data: { stack: name } };
  for await (const line of stacks.logs(name, stackLogsOptions(q, signal))) yield { event: 'line', data: toStackLogLineDto(line) };
  if (signal.aborted) return;
  const gone = await stacks.isDeployed(name).then(
    (deployed) => !deployed,
    () => false,
  );
  yield {
    event: 'end',
    data: { stack: name, removed: gone, reason: gone ? 'the stack was removed from the swarm' : 'the Engine closed the log streams' },
  };
}

/**
 * A deploy's progress, object by object and service by service: `network`,
 * `config`, `secret`, `service`, `progress` (replicas of one service),
 * `converged`, `cleanup`, then the `result` (the same body as the JSON answer).
 * A refusal after the first event arrives as an `error` event.
 */
export async function* stackDeployEvents(
  stacks: StacksService,
  name: string,
  opts: Omit<StackDeployOptions, 'onEvent'>,
): AsyncGenerator<SseMessage> {
  const queue: SseMessage[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  const push = (m: SseMessage) => {
    queue.push(m);
    wake?.();
  };
  void stacks
    .deploy(name, { ...opts, onEvent: (e) => push({ event: e.kind, data: e }) })
    .then((result) => push({ event: 'result', data: result }))
    .catch((err) => (failure = err))
    .finally(() => {
      done = true;
      wake?.();
    });
  // no `open` before the first event: a refusal up front (a bad file, an image the registry lacks) stays a plain 4xx
  for (;;) {
    while (queue.length) yield queue.shift()!;
    if (done) break;
    await new Promise<void>((r) => (wake = r));
    wake = undefined;
  }
  if (failure) throw failure;
}
