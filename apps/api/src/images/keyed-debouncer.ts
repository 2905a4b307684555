/**
 * Runs one task per key once its calls stop for `delayMs` (a trailing
 * debounce): fifty pushes of a tag within a second give one redeploy, of the
 * last one. A call while the task of the same key runs waits for a new quiet
 * period and runs again after it; tasks of one key never overlap.
 */
export class KeyedDebouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly delayMs: number,
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
  ) {}

  schedule(key: string, task: () => Promise<void>): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const previous = this.running.get(key) ?? Promise.resolve();
        const run = previous.then(() => (this.stopped ? undefined : task())).catch((err) => this.onError(key, err));
        this.running.set(key, run);
        void run.finally(() => this.running.get(key) === run && this.running.delete(key));
      }, this.delayMs),
    );
  }

  /** Whether a task of the key waits for its quiet period or runs. */
  pending(key: string): boolean {
    return this.timers.has(key) || this.running.has(key);
  }

  /** Drops the waiting tasks; running ones finish. */
  stop(): void {
    this.stopped = true;
    this.timers.forEach(clearTimeout);
    this.timers.clear();
  }

  /** Resolves when no task of any key waits or runs (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.timers.size || this.running.size) {
      await Promise.all([...this.running.values()]);
      if (this.timers.size) await new Promise((r) => setTimeout(r, this.delayMs));
    }
  }
}
