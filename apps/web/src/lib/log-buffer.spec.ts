import { describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer';
import { formatBytes, timeAgo, toneOf } from './status';

describe('LogBuffer', () => {
  it('keeps only the newest lines and counts what it dropped', () => {
    const b = new LogBuffer<number>(3);
    b.push(1, 2);
    b.push(3, 4, 5);
    expect(b.lines).toEqual([3, 4, 5]);
    expect(b.dropped).toBe(2);
    b.clear();
    expect(b.size).toBe(0);
  });

  it('stays bounded under an endless stream', () => {
    const b = new LogBuffer<string>(1000);
    for (let i = 0; i < 100_000; i++) b.push(`line ${i}`);
    expect(b.size).toBe(1000);
    expect(b.lines[999]).toBe('line 99999');
  });
});

describe('status helpers', () => {
  it('colours statuses consistently', () => {
    expect(toneOf('running')).toBe('ok');
    expect(toneOf('degraded')).toBe('warn');
    expect(toneOf('down')).toBe('bad');
    expect(toneOf('not_deployed')).toBe('idle');
  });

  it('formats sizes and times', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(25 * 1024 ** 3)).toBe('25 GiB');
    expect(timeAgo('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:02:00Z'))).toBe('2m ago');
  });
});
