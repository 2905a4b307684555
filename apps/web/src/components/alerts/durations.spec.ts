import { describe, expect, it } from 'vitest';
import { fieldErrors, formatDuration } from './durations';

describe('alert form helpers', () => {
  it('write seconds the way the rules file does', () => {
    expect([0, 30, 90, 300, 7200, 86400, undefined].map(formatDuration)).toEqual(['0', '30s', '90s', '5m', '2h', '1d', '']);
  });

  it('split an API message into the fields it names', () => {
    expect(
      fieldErrors('rules.replicas_below.for: must be a duration such as 30, "30s" (at most 30 days); rules.nope: unknown key; other: x'),
    ).toEqual({ 'replicas_below.for': 'must be a duration such as 30, "30s" (at most 30 days)', nope: 'unknown key' });
    expect(fieldErrors('url: must be an http(s) URL', '')).toEqual({ url: 'must be an http(s) URL' });
  });
});
