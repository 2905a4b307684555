import { execFile } from 'node:child_process';

export type GpuUsage =
  | {
      available: true;
      gpus: Array<{ index: number; name: string; utilizationPercent: number; memoryUsedBytes: number; memoryTotalBytes: number }>;
    }
  | { available: false; reason: string };

const MIB = 1024 * 1024;

/** GPU use from `nvidia-smi` when the node (and the agent's container) has it; "not available" otherwise. */
export function readGpu(command = 'nvidia-smi'): Promise<GpuUsage> {
  return new Promise((resolve) => {
    execFile(
      command,
      ['--query-gpu=index,name,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'],
      { timeout: 3000 },
      (err, stdout) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          resolve({
            available: false,
            reason: code === 'ENOENT' ? 'nvidia-smi is not present on this node' : `nvidia-smi failed: ${err.message}`,
          });
          return;
        }
        resolve(parseNvidiaSmi(stdout));
      },
    );
  });
}

export function parseNvidiaSmi(csv: string): GpuUsage {
  const gpus = csv
    .split('\n')
    .map((l) => l.split(',').map((f) => f.trim()))
    .filter((f) => f.length >= 5 && f[0] !== '')
    .map(([index, name, util, used, total]) => ({
      index: Number(index),
      name,
      utilizationPercent: Number(util) || 0,
      memoryUsedBytes: (Number(used) || 0) * MIB,
      memoryTotalBytes: (Number(total) || 0) * MIB,
    }));
  return gpus.length ? { available: true, gpus } : { available: false, reason: 'nvidia-smi lists no GPU' };
}
