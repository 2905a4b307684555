/**
 * Reads a replicas box the way the API's ScaleServiceDto would judge it, so a
 * bad value is refused at the field and never sent. Empty is not 0: clearing
 * the box must not scale a service down.
 */
export function parseReplicas(text: string): { value: number } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: 'replicas is required: a whole number, 0 or more' };
  const n = Number(t);
  if (!Number.isFinite(n) || !Number.isInteger(n)) return { error: 'replicas must be a whole number' };
  if (n < 0) return { error: 'replicas must be 0 or more' };
  if (n > 1000) return { error: 'replicas must be at most 1000' };
  return { value: n };
}
