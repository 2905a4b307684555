import type { LogLine } from '../swarm.types';
import type { StackLogLine } from './stack.types';

export interface LogSource {
  service: string;
  lines: AsyncIterable<LogLine>;
}

/**
 * Merges per-service log streams into one. Following, lines go out as they
 * arrive from any service; otherwise every stream is read to its end and the
 * lines come ordered by their timestamps (the sources must ask for them).
 * The filter keeps lines whose message contains its text, case-insensitively.
 * Timestamps are dropped from the lines unless `timestamps`.
 */
export async function* mergeLogStreams(
  sources: LogSource[],
  opts: { follow: boolean; filter?: string; timestamps: boolean; stop?: () => void },
): AsyncGenerator<StackLogLine> {
  const needle = opts.filter?.toLowerCase();
  const keep = (l: LogLine) => !needle || l.message.toLowerCase().includes(needle);
  const shape = (service: string, l: LogLine): StackLogLine => {
    const line: StackLogLine = { ...l, service };
    if (!opts.timestamps) delete line.timestamp;
    return line;
  };

  if (!opts.follow) {
    const all = await Promise.all(
      sources.map(async (s) => {
        const out: { service: string; line: LogLine }[] = [];
        for await (const l of s.lines) if (keep(l)) out.push({ service: s.service, line: l });
        return out;
      }),
    );
    // stable: lines of one service with the same timestamp keep their order
    const merged = all.flat().sort((a, b) => (a.line.timestamp ?? '').localeCompare(b.line.timestamp ?? ''));
    for (const { service, line } of merged) yield shape(service, line);
    return;
  }

  // following: a queue fed by every source, read as lines arrive
  const queue: StackLogLine[] = [];
  let wake: (() => void) | undefined;
  let open = sources.length;
  let failure: unknown;
  const iterators = sources.map((s) => ({ service: s.service, it: s.lines[Symbol.asyncIterator]() }));
  const pump = async ({ service, it }: { service: string; it: AsyncIterator<LogLine> }) => {
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        if (keep(r.value)) queue.push(shape(service, r.value));
        wake?.();
      }
    } catch (err) {
      failure ??= err;
    } finally {
      open--;
      wake?.();
    }
  };
  iterators.forEach((i) => void pump(i));
  try {
    for (;;) {
      while (queue.length) yield queue.shift() as StackLogLine;
      if (failure) throw failure;
      if (open === 0) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    // the consumer stopped (or a source failed): end every stream. A source
    // waiting for its next line cannot be returned from, so it is aborted.
    opts.stop?.();
    for (const { it } of iterators) void it.return?.().catch(() => undefined);
  }
}
