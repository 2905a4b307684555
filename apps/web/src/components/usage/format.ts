import { formatBytes } from '@/lib/status';

export const formatCpu = (v: number): string => `${v.toFixed(v >= 10 ? 0 : 1)} %`;
export const formatMem = (v: number): string => formatBytes(v);

/** A Swarm object ID (tasks and nodes): 25 lower-case letters and digits. */
const SWARM_ID = /^[a-z0-9]{25}$/;

/**
 * A task's name without the IDs Swarm appends: `web.1.<task id>` is `web.1`, and a global
 * service's `agent.<node id>.<task id>` is `agent` (one task per node: the page says which node).
 * The full name goes in a title.
 */
export function shortTaskName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 1 && SWARM_ID.test(parts[parts.length - 1])) parts.pop();
  if (parts.length > 1 && SWARM_ID.test(parts[parts.length - 1])) parts.pop();
  return parts.join('.');
}
