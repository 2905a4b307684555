import { describe, expect, it } from 'vitest';
import { parseReplicas } from './replicas';

describe('parseReplicas', () => {
  it('refuses an empty box instead of reading it as 0', () => {
    expect(parseReplicas('')).toEqual({ error: 'replicas is required: a whole number, 0 or more' });
    expect(parseReplicas('  ')).toHaveProperty('error');
  });

  it('refuses what the API refuses, with its words', () => {
    expect(parseReplicas('2.5')).toEqual({ error: 'replicas must be a whole number' });
    expect(parseReplicas('-1')).toEqual({ error: 'replicas must be 0 or more' });
    expect(parseReplicas('1001')).toEqual({ error: 'replicas must be at most 1000' });
    expect(parseReplicas('1e400')).toEqual({ error: 'replicas must be a whole number' });
  });

  it('accepts 0 and whole numbers', () => {
    expect(parseReplicas('0')).toEqual({ value: 0 });
    expect(parseReplicas(' 3 ')).toEqual({ value: 3 });
  });
});
