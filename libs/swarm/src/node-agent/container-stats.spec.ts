import { cpuPercent, figuresOf, memoryUsed } from './container-stats';

describe('container stats as docker stats shows them', () => {
  it("CPU: the container's CPU time over the system time between two frames, times the online CPUs", () => {
    // 0.5 s of CPU over 1 s of wall on 2 CPUs = 2 s of system time: 50 % of one core
    const frame = {
      cpu_stats: { cpu_usage: { total_usage: 1_500_000_000 }, system_cpu_usage: 12_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
    };
    expect(cpuPercent(frame)).toBeCloseTo(50, 5);
    // the first frame of a stream has no previous reading
    expect(cpuPercent({ cpu_stats: frame.cpu_stats, precpu_stats: {} })).toBe(0);
  });

  it('memory: usage less the inactive file cache (cgroup v2 and v1 names)', () => {
    expect(memoryUsed({ memory_stats: { usage: 150, stats: { inactive_file: 50 } } })).toBe(100);
    expect(memoryUsed({ memory_stats: { usage: 150, stats: { total_inactive_file: 20 } } })).toBe(130);
    expect(memoryUsed({ memory_stats: { usage: 150 } })).toBe(150);
  });

  it('network and block I/O summed over interfaces and devices', () => {
    const f = figuresOf({
      memory_stats: { usage: 1, limit: 1000 },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 1 }, eth1: { rx_bytes: 5, tx_bytes: 2 } },
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'read', value: 7 },
          { op: 'Write', value: 3 },
          { op: 'Read', value: 1 },
        ],
      },
    });
    expect(f).toMatchObject({ memoryLimitBytes: 1000, networkRxBytes: 15, networkTxBytes: 3, blockReadBytes: 8, blockWriteBytes: 3 });
  });
});
