/** The colour and words of a status, the same on every page. */
export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

export function toneOf(status: string | undefined): Tone {
  switch (status) {
    case 'running':
    case 'healthy':
    case 'ready':
    case 'active':
    case 'converged':
    case 'succeeded':
      return 'ok';
    case 'updating':
    case 'drift':
    case 'degraded':
    case 'pause':
    case 'drain':
    case 'starting':
    case 'pending':
    case 'preparing':
    case 'assigned':
    case 'in_progress':
    case 'unknown':
      return 'warn';
    case 'invalid':
    case 'unhealthy':
    case 'down':
    case 'failed':
    case 'rejected':
    case 'disconnected':
    case 'interrupted':
    case 'timeout':
      return 'bad';
    default:
      return 'idle';
  }
}

export const TONE_CLASSES: Record<Tone, string> = {
  ok: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300',
  warn: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-300',
  bad: 'bg-rose-100 text-rose-800 dark:bg-rose-900/50 dark:text-rose-300',
  idle: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
};

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

export function timeAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

/**
 * A live service's status as the catalog list words it, from the Engine's
 * UpdateStatus first (an update or rollback in progress, a paused one), then the counts.
 */
export function liveStatus(s: { replicasRunning: number; replicasDesired: number; updateStatus?: { state: string; message?: string } }): {
  status: string;
  text: string;
} {
  const counts = `${s.replicasRunning} of ${s.replicasDesired}`;
  const short = s.replicasRunning < s.replicasDesired;
  switch (s.updateStatus?.state) {
    case 'updating':
      return { status: 'updating', text: `updating: ${counts} running` };
    case 'rollback_started':
      return { status: 'updating', text: `rolling back: ${counts} running` };
    case 'paused':
      return { status: 'degraded', text: `update paused; running ${counts}` };
    case 'rollback_paused':
      return { status: 'degraded', text: `rollback paused; running ${counts}` };
    case 'rollback_completed':
      return { status: short ? 'degraded' : 'running', text: `rolled back; running ${counts}` };
    default:
      return { status: short ? 'degraded' : 'running', text: `running ${counts}` };
  }
}
