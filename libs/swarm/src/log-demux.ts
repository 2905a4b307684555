/**
 * Splits Docker's multiplexed log stream (8-byte frame headers: stream type,
 * 3 zero bytes, big-endian payload length) into text lines, across chunk
 * boundaries. A TTY service sends raw text without headers; `raw` handles it.
 */
export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(private readonly raw = false) {}

  push(chunk: Buffer): Array<{ stream: 'stdout' | 'stderr'; text: string }> {
    if (this.raw) return this.lines('stdout', chunk.toString('utf8'));
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Array<{ stream: 'stdout' | 'stderr'; text: string }> = [];
    while (this.pending.length >= 8) {
      const type = this.pending[0];
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const payload = this.pending.subarray(8, 8 + size).toString('utf8');
      this.pending = this.pending.subarray(8 + size);
      out.push(...this.lines(type === 2 ? 'stderr' : 'stdout', payload));
    }
    return out;
  }

  /** What is left when the stream ends: a last line without a newline. */
  flush(): Array<{ stream: 'stdout' | 'stderr'; text: string }> {
    const out = (['stdout', 'stderr'] as const).filter((s) => this.partial[s] !== '').map((s) => ({ stream: s, text: this.partial[s] }));
    this.partial = { stdout: '', stderr: '' };
    return out;
  }

  private lines(stream: 'stdout' | 'stderr', text: string) {
    const parts = (this.partial[stream] + text).split('\n');
    this.partial[stream] = parts.pop() ?? '';
    return parts.map((t) => ({ stream, text: t.replace(/\r$/, '') }));
  }
}

/**
 * Reads one service log line as the Engine writes it with details=true:
 * `[<timestamp> ]com.docker.swarm.node.id=…,com.docker.swarm.service.id=…,com.docker.swarm.task.id=… <message>`.
 */
export function parseServiceLogLine(
  text: string,
  timestamps: boolean,
): { timestamp?: string; attrs: Record<string, string>; message: string } {
  let rest = text;
  let timestamp: string | undefined;
  if (timestamps) {
    const m = /^(\d{4}-\d{2}-\d{2}T[^ ]+) (.*)$/s.exec(rest);
    if (m) [, timestamp, rest] = m;
  }
  const attrs: Record<string, string> = {};
  const m = /^((?:[\w.]+=[^, ]*,?)+) (.*)$/s.exec(rest);
  if (m && m[1].includes('com.docker.swarm.')) {
    for (const pair of m[1].split(',')) {
      const i = pair.indexOf('=');
      if (i > 0) attrs[pair.slice(0, i)] = pair.slice(i + 1);
    }
    rest = m[2];
  }
  return { timestamp, attrs, message: rest };
}
