import type { SchedulerRegistry } from '@nestjs/schedule';
import { Subject } from 'rxjs';
import { DomainError } from '@app/common';
import { strictMock } from '@app/common/testing';
import type { HealthHistory } from '@app/catalog';
import type { RegistryClient } from '@app/registry';
import type { LiveService, NodeSummary, SwarmEngine, SwarmEvent, SwarmEvents, SwarmNodes, SwarmServices } from '@app/swarm';
import type { AppConfig } from '../config/app-config';
import type { HealthMetrics } from './health-metrics';
import { HealthMonitor, type HealthMonitorMode } from './health-monitor';
import type { ChangeEvent } from './health-snapshot';

const node: NodeSummary = {
  id: 'n1',
  hostname: 'mini2',
  role: 'manager',
  leader: true,
  availability: 'active',
  state: 'ready',
  cpus: 2,
  memoryBytes: 1e9,
  genericResources: [],
  labels: {},
  engineLabels: {},
  version: 1,
};
const web = (running: number): LiveService => ({
  id: 's1',
  name: 'web',
  image: 'x',
  mode: 'replicated',
  replicasDesired: 2,
  replicasRunning: running,
  ports: [],
  labels: {},
  version: 4,
});

/** A monitor over loud mocks; `swarm` says what each poll finds (an Error: Docker is unreachable). */
function setup(mode: HealthMonitorMode, swarm: Array<LiveService[] | Error>) {
  let call = 0;
  const next = () => swarm[Math.min(call++, swarm.length - 1)];
  const recorded: unknown[] = [];
  const events$ = new Subject<SwarmEvent>();
  const monitor = new HealthMonitor(
    strictMock<AppConfig>('AppConfig', { healthPollIntervalSeconds: 3600 }),
    strictMock<SchedulerRegistry>('SchedulerRegistry', { addInterval: jest.fn(), doesExist: () => false }),
    strictMock<SwarmEngine>('SwarmEngine', { endpoint: 'tcp://10.99.1.2:2375' }),
    strictMock<SwarmNodes>('SwarmNodes', { list: async () => [node] }),
    strictMock<SwarmServices>('SwarmServices', {
      listLive: async () => {
        const s = next();
        if (s instanceof Error) throw s;
        return s;
      },
      recentTaskFailures: async () => new Map(),
    }),
    strictMock<SwarmEvents>('SwarmEvents', {
      connected: true,
      events$: events$.asObservable(),
      connected$: new Subject<boolean>().asObservable(),
    }),
    strictMock<RegistryClient>('RegistryClient', { url: undefined }),
    strictMock<HealthHistory>('HealthHistory', { record: jest.fn(async (events: unknown[]) => void recorded.push(...events)) }),
    strictMock<HealthMetrics>('HealthMetrics', { observe: jest.fn() }),
    mode,
  );
  const changes: ChangeEvent[] = [];
  monitor.changes$.subscribe((c) => changes.push(c));
  return { monitor, changes, recorded, events$, polls: () => call };
}

describe('HealthMonitor', () => {
  it('says the first poll has not finished before it has', () => {
    const { monitor } = setup('background', [[web(2)]]);
    expect(monitor.snapshot()).toMatchObject({
      status: 'degraded',
      reasons: ['the first health poll has not finished yet'],
      docker: { endpoint: 'tcp://10.99.1.2:2375' },
    });
  });

  it('turns polls into a snapshot, change events and (in the app) history transitions', async () => {
    const { monitor, changes, recorded } = setup('background', [[web(2)], [web(1)]]);
    await monitor.poll();
    expect(monitor.snapshot()).toMatchObject({
      status: 'healthy',
      reasons: [],
      services: [{ name: 'web', running: 2, desired: 2, ok: true }],
    });
    await monitor.poll();
    expect(monitor.snapshot()).toMatchObject({ status: 'degraded', reasons: ['service web: 1 of 2 replicas running'] });
    expect(changes.map((c) => [c.type, c.subject, c.action])).toEqual([
      ['health', 'cluster', 'degraded'],
      ['replicas', 'web', 'changed'],
    ]);
    expect(recorded).toEqual([
      expect.objectContaining({ kind: 'cluster', status: 'degraded', previous: 'healthy' }),
      expect.objectContaining({ kind: 'service', subject: 'web', status: 'degraded', message: 'service web: 1 of 2 running' }),
    ]);
  });

  it('with Docker unreachable keeps the last known services, says why, and records the loss', async () => {
    const { monitor, recorded } = setup('background', [
      [web(2)],
      new DomainError('UNAVAILABLE', 'Docker at tcp://10.99.1.2:2375 is unreachable'),
    ]);
    await monitor.poll();
    await monitor.poll();
    expect(monitor.snapshot()).toMatchObject({
      status: 'unhealthy',
      reasons: ['Docker unreachable: Docker at tcp://10.99.1.2:2375 is unreachable'],
      docker: { reachable: false },
      services: [{ name: 'web', running: 2 }],
    });
    expect(recorded).toContainEqual(expect.objectContaining({ kind: 'docker', status: 'unreachable' }));
  });

  it('never runs two polls at once: a poll asked for during one runs right after it', async () => {
    const { monitor, polls } = setup('background', [[web(2)]]);
    const first = monitor.poll();
    const second = monitor.poll();
    expect(second).toBe(first);
    await first;
    await new Promise((r) => setImmediate(r));
    await monitor.poll();
    expect(polls()).toBe(3);
  });

  it('on demand (the stdio server) polls when asked and writes no history', async () => {
    const { monitor, recorded, polls } = setup('on-demand', [[web(2)], [web(0)]]);
    monitor.onApplicationBootstrap();
    expect(polls()).toBe(0);
    await monitor.latest();
    expect((await monitor.latest()).status).toBe('degraded');
    expect(polls()).toBe(2);
    expect(recorded).toEqual([]);
  });

  it('in the app, polls at start and again soon after a service event', async () => {
    jest.useFakeTimers();
    try {
      const { monitor, events$, polls } = setup('background', [[web(2)]]);
      monitor.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(10);
      expect(polls()).toBe(1);
      events$.next({ kind: 'service', action: 'update', id: 's1', attributes: {}, time: Date.now() });
      await jest.advanceTimersByTimeAsync(200);
      expect(polls()).toBe(2);
      monitor.onModuleDestroy();
      await jest.advanceTimersByTimeAsync(20_000);
      expect(polls()).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
