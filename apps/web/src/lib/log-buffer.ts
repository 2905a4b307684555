/**
 * A bounded buffer of log lines: an endless follow stream keeps only the
 * newest `capacity` lines, so the tab's memory stays flat.
 */
export class LogBuffer<T> {
  private items: T[] = [];
  dropped = 0;

  constructor(readonly capacity: number) {}

  push(...lines: T[]): void {
    this.items.push(...lines);
    const over = this.items.length - this.capacity;
    if (over > 0) {
      this.items.splice(0, over);
      this.dropped += over;
    }
  }

  clear(): void {
    this.items = [];
    this.dropped = 0;
  }

  get lines(): readonly T[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }
}
