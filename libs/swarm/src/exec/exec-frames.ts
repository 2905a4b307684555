/**
 * Collects a non-TTY exec's multiplexed output (8-byte frame headers: stream
 * type, 3 zero bytes, big-endian length) into stdout and stderr, keeping at
 * most `maxBytes` of both together; frames may split anywhere across chunks.
 */
export class ExecFrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly kept: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  private keptBytes = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      this.keep(this.pending[0] === 2 ? 'stderr' : 'stdout', this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }

  result(): { stdout: string; stderr: string; truncated: boolean } {
    return {
      stdout: Buffer.concat(this.kept.stdout).toString('utf8'),
      stderr: Buffer.concat(this.kept.stderr).toString('utf8'),
      truncated: this.dropped > 0,
    };
  }

  private keep(stream: 'stdout' | 'stderr', payload: Buffer): void {
    const room = this.maxBytes - this.keptBytes;
    if (room <= 0) {
      this.dropped += payload.length;
      return;
    }
    const part = payload.length > room ? payload.subarray(0, room) : payload;
    // copy: the kept slice must not pin the whole chunk it came from
    this.kept[stream].push(Buffer.from(part));
    this.keptBytes += part.length;
    this.dropped += payload.length - part.length;
  }
}
