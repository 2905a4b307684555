/**
 * A push-fed async iterable: producers `push` (from callbacks, observables,
 * progress hooks), one consumer reads with `for await`. `end` finishes it,
 * with an error to throw to the consumer after what was queued. An `AbortSignal`
 * given at construction ends it too.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake?: () => void;
  private ended = false;
  private failure?: { error: unknown };

  constructor(signal?: AbortSignal) {
    if (signal?.aborted) this.ended = true;
    signal?.addEventListener('abort', () => this.end(), { once: true });
  }

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.wake?.();
  }

  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (error !== undefined) this.failure = { error };
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      while (this.items.length) yield this.items.shift()!;
      if (this.ended) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    if (this.failure) throw this.failure.error;
  }
}
