/** Seconds as the rules file writes them: 0, 45s, 5m, 2h, 1d. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds === 0) return '0';
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** The "rules.<id>.<key>: …" parts of an API message, by "<id>.<key>", so a form can show each beside its field. */
export function fieldErrors(message: string | undefined, prefix = 'rules.'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (message ?? '').split('; ')) {
    const m = /^([\w.]+): (.*)$/.exec(part);
    if (m && m[1].startsWith(prefix)) out[m[1].slice(prefix.length)] = m[2];
  }
  return out;
}
