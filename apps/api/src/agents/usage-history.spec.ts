import { DAY_MS, HOUR_MS, sumPoints, UsageHistory, UsagePoint, UsageSeries } from './usage-history';

const point = (t: number, cpuPercent: number, memoryBytes = 0): UsagePoint => ({
  t,
  cpuPercent,
  memoryBytes,
  memoryLimitBytes: 100,
  networkRxBytes: t,
  networkTxBytes: 0,
  blockReadBytes: 0,
  blockWriteBytes: 0,
});

describe('usage history', () => {
  it('keeps every sample of the last hour and one averaged point per minute for a day', () => {
    const s = new UsageSeries();
    const start = Date.UTC(2026, 0, 1);
    // 25 hours of a sample every 3 s
    for (let t = start; t < start + 25 * HOUR_MS; t += 3000) s.append(point(t, (t / 3000) % 2 === 0 ? 100 : 50, 1000));
    const last = start + 25 * HOUR_MS - 3000;
    const hour = s.points('1h');
    expect(hour.length).toBe(1201);
    expect(hour[0].t).toBe(last - HOUR_MS);
    const day = s.points('24h');
    expect(day.length).toBeGreaterThanOrEqual(1440);
    expect(day.length).toBeLessThanOrEqual(1442);
    expect(day[0].t).toBeGreaterThanOrEqual(last - DAY_MS - 60_000);
    // alternating 100 and 50: a minute's average is 75; counters keep the minute's last value
    expect(day[10].cpuPercent).toBeCloseTo(75, 5);
    expect(day[10].memoryBytes).toBe(1000);
    expect(day[10].networkRxBytes).toBe(day[10].t + 57_000);
  });

  it('is bounded: a day-silent series goes, and past the cap the most silent go first', () => {
    const h = new UsageHistory(2);
    h.append('task:a', point(1000, 1));
    h.append('task:b', point(2000, 1));
    h.append('task:c', point(3000, 1));
    h.prune(3000);
    expect(h.keys('task:').sort()).toEqual(['task:b', 'task:c']);
    h.prune(2500 + DAY_MS);
    expect(h.keys('task:')).toEqual(['task:c']);
  });

  it('sums the replicas of a round', () => {
    const sum = sumPoints(5, [point(1, 90, 10), point(2, 15, 20)]);
    expect(sum).toMatchObject({ t: 5, cpuPercent: 105, memoryBytes: 30, memoryLimitBytes: 200 });
  });
});
