/**
 * Failed authentication per client address: after `max` bad tokens in a row
 * the address is refused (429) for `blockMs`, even with a good token, so a
 * guess that happens to succeed is not confirmed. A success resets the count;
 * failures older than `blockMs` are forgotten. In memory: one process serves
 * the API, and a restart forgetting the counts is acceptable.
 */
export class AuthFailureLimiter {
  private readonly entries = new Map<string, { failures: number; last: number; blockedUntil: number }>();

  constructor(
    readonly max: number,
    readonly blockMs: number,
    private readonly now: () => number = Date.now,
    private readonly capacity = 10_000,
  ) {}

  /** Milliseconds the address is still refused; 0 when it may try. */
  blockedFor(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    return Math.max(0, entry.blockedUntil - this.now());
  }

  /** Counts a failure; returns true when this one blocks the address. */
  fail(key: string): boolean {
    if (this.max <= 0) return false;
    const now = this.now();
    let entry = this.entries.get(key);
    if (!entry || now - entry.last > this.blockMs) entry = { failures: 0, last: now, blockedUntil: 0 };
    entry.failures += 1;
    entry.last = now;
    const blocked = entry.failures >= this.max;
    if (blocked) {
      entry.blockedUntil = now + this.blockMs;
      entry.failures = 0;
    }
    this.entries.delete(key); // re-insert: the map's order is then least recently failed first
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return blocked;
  }

  succeed(key: string): void {
    if (this.blockedFor(key) === 0) this.entries.delete(key);
  }
}
