/**
 * One frame of the Engine's container stats (`GET /containers/{id}/stats`),
 * reduced to the figures `docker stats` shows, computed the way the CLI
 * computes them, so the two agree.
 */
export interface EngineStatsFrame {
  read?: string;
  cpu_stats?: EngineCpuStats;
  precpu_stats?: EngineCpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null };
}

interface EngineCpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface ContainerFigures {
  /** Percent of one CPU (100 = one core busy), as `docker stats` shows it. */
  cpuPercent: number;
  memoryBytes: number;
  /** The container's memory limit; the node's memory when it has none. */
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
}

export function figuresOf(frame: EngineStatsFrame): ContainerFigures {
  return {
    cpuPercent: cpuPercent(frame),
    memoryBytes: memoryUsed(frame),
    memoryLimitBytes: frame.memory_stats?.limit ?? 0,
    ...network(frame),
    ...block(frame),
  };
}

/** CPU time used over system time elapsed between this frame and the one before, times the CPUs (the CLI's formula). */
export function cpuPercent(frame: EngineStatsFrame): number {
  const cpu = frame.cpu_stats;
  const pre = frame.precpu_stats;
  const total = cpu?.cpu_usage?.total_usage;
  const preTotal = pre?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  const preSystem = pre?.system_cpu_usage;
  if (total === undefined || preTotal === undefined || system === undefined || preSystem === undefined) return 0;
  const cpuDelta = total - preTotal;
  const systemDelta = system - preSystem;
  if (cpuDelta <= 0 || systemDelta <= 0) return 0;
  const cpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  return (cpuDelta / systemDelta) * cpus * 100;
}

/**
 * Usage less the inactive page cache, as the CLI does: cgroup v2 reports
 * `inactive_file`, v1 `total_inactive_file`. Without it a container that wrote
 * a file would look as big as its cache.
 */
export function memoryUsed(frame: EngineStatsFrame): number {
  const m = frame.memory_stats;
  const usage = m?.usage ?? 0;
  const inactive = m?.stats?.total_inactive_file ?? m?.stats?.inactive_file;
  return inactive !== undefined && inactive < usage ? usage - inactive : usage;
}

function network(frame: EngineStatsFrame): { networkRxBytes: number; networkTxBytes: number } {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(frame.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  return { networkRxBytes: rx, networkTxBytes: tx };
}

function block(frame: EngineStatsFrame): { blockReadBytes: number; blockWriteBytes: number } {
  let read = 0;
  let write = 0;
  for (const e of frame.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? '').toLowerCase();
    if (op === 'read') read += e.value ?? 0;
    else if (op === 'write') write += e.value ?? 0;
  }
  return { blockReadBytes: read, blockWriteBytes: write };
}
