import type { ContainerFigures } from '@app/swarm';

/** One sample of resource use: of a task, a service (its tasks summed) or a node (its containers summed). */
export interface UsagePoint extends ContainerFigures {
  /** Unix milliseconds of the app's sampling round. */
  t: number;
}

export type UsageRange = '1h' | '24h';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const MINUTE_MS = 60_000;

/**
 * A series: every sample of the last hour, and one averaged point per minute
 * for the last day. Both are trimmed by age on every append, so a series holds
 * at most an hour of samples plus 1440 minutes, whatever runs for how long.
 */
export class UsageSeries {
  private readonly full: UsagePoint[] = [];
  private readonly minutes: UsagePoint[] = [];
  private bucket?: { minute: number; n: number; sum: UsagePoint };
  lastAt = 0;

  append(p: UsagePoint): void {
    this.full.push(p);
    this.lastAt = p.t;
    while (this.full.length && this.full[0].t < p.t - HOUR_MS) this.full.shift();
    const minute = Math.floor(p.t / MINUTE_MS) * MINUTE_MS;
    if (this.bucket && this.bucket.minute !== minute) this.closeBucket();
    if (!this.bucket) this.bucket = { minute, n: 0, sum: { ...p, cpuPercent: 0, memoryBytes: 0, t: minute } };
    const b = this.bucket;
    b.n++;
    b.sum.cpuPercent += p.cpuPercent;
    b.sum.memoryBytes += p.memoryBytes;
    // limits and byte counters: the latest value of the minute
    b.sum.memoryLimitBytes = p.memoryLimitBytes;
    b.sum.networkRxBytes = p.networkRxBytes;
    b.sum.networkTxBytes = p.networkTxBytes;
    b.sum.blockReadBytes = p.blockReadBytes;
    b.sum.blockWriteBytes = p.blockWriteBytes;
    while (this.minutes.length && this.minutes[0].t < p.t - DAY_MS) this.minutes.shift();
  }

  private closeBucket(): void {
    const b = this.bucket!;
    this.minutes.push({ ...b.sum, cpuPercent: b.sum.cpuPercent / b.n, memoryBytes: Math.round(b.sum.memoryBytes / b.n) });
    this.bucket = undefined;
  }

  /** The last hour at full resolution, or the last day by minute (the running minute included). */
  points(range: UsageRange = '1h'): UsagePoint[] {
    if (range === '1h') return [...this.full];
    const b = this.bucket;
    const open = b ? [{ ...b.sum, cpuPercent: b.sum.cpuPercent / b.n, memoryBytes: Math.round(b.sum.memoryBytes / b.n) }] : [];
    return [...this.minutes, ...open];
  }

  get size(): number {
    return this.full.length + this.minutes.length;
  }
}

/**
 * Every series by key (`node:<id>`, `service:<name>`, `task:<id>`), bounded:
 * a series silent for a day is dropped, and past `maxSeries` the longest
 * silent ones go first.
 */
export class UsageHistory {
  private readonly series = new Map<string, UsageSeries>();

  constructor(private readonly maxSeries = 3000) {}

  append(key: string, p: UsagePoint): void {
    let s = this.series.get(key);
    if (!s) {
      s = new UsageSeries();
      this.series.set(key, s);
    }
    s.append(p);
  }

  points(key: string, range: UsageRange = '1h'): UsagePoint[] {
    return this.series.get(key)?.points(range) ?? [];
  }

  keys(prefix: string): string[] {
    return [...this.series.keys()].filter((k) => k.startsWith(prefix));
  }

  /** Drops day-old series, then the most silent ones beyond the cap. */
  prune(now: number): void {
    for (const [k, s] of this.series) if (s.lastAt < now - DAY_MS) this.series.delete(k);
    if (this.series.size <= this.maxSeries) return;
    const bySilence = [...this.series.entries()].sort((a, b) => a[1].lastAt - b[1].lastAt);
    for (const [k] of bySilence.slice(0, this.series.size - this.maxSeries)) this.series.delete(k);
  }

  get seriesCount(): number {
    return this.series.size;
  }

  get pointCount(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.size;
    return n;
  }
}

/** Sums samples taken in the same round (a service's replicas, a node's containers). */
export function sumPoints(t: number, points: Array<Omit<UsagePoint, 't'>>): UsagePoint {
  const sum: UsagePoint = {
    t,
    cpuPercent: 0,
    memoryBytes: 0,
    memoryLimitBytes: 0,
    networkRxBytes: 0,
    networkTxBytes: 0,
    blockReadBytes: 0,
    blockWriteBytes: 0,
  };
  for (const p of points) {
    sum.cpuPercent += p.cpuPercent;
    sum.memoryBytes += p.memoryBytes;
    sum.memoryLimitBytes += p.memoryLimitBytes;
    sum.networkRxBytes += p.networkRxBytes;
    sum.networkTxBytes += p.networkTxBytes;
    sum.blockReadBytes += p.blockReadBytes;
    sum.blockWriteBytes += p.blockWriteBytes;
  }
  return sum;
}
