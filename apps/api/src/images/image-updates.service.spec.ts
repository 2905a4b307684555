import type { CatalogService } from '@app/catalog';
import type { RegistryClient } from '@app/registry';
import type { LiveService, SwarmServices } from '@app/swarm';
import type { AppConfig } from '../config/app-config';
import type { ChangeEvent } from '../health/health-snapshot';
import type { HealthMonitor, HealthMonitorMode } from '../health/health-monitor';
import type { DeploymentPlanner } from '../services/deployment-planner';
import type { DeploymentService } from '../services/deployment.service';
import { ImageRedeploys } from './image-redeploys.service';
import { ImageUpdateState } from './image-update-state';
import { ImageUpdates } from './image-updates.service';

const HOST = '10.99.8.1:5000';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const OLD = d('a');
const NEW = d('b');
const NEWER = d('c');

function live(name: string, digest: string, image = `${HOST}/busybox:1.0`): LiveService {
  return {
    id: name,
    name,
    image,
    imageDigest: digest,
    mode: 'replicated',
    replicasDesired: 1,
    replicasRunning: 1,
    ports: [],
    labels: {},
    version: 1,
  };
}

const push = (digest: string, timestamp: string, tag = '1.0') => ({
  events: [
    {
      id: `${digest}-${timestamp}`,
      action: 'push',
      timestamp,
      target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', repository: 'busybox', tag, digest },
    },
  ],
});

/** Every dependency a strict mock: a call the test did not expect fails loudly. */
function setup(opts: { policy?: string; services?: LiveService[]; debounceMs?: number; mode?: HealthMonitorMode } = {}) {
  const events: ChangeEvent[] = [];
  const state = { tag: OLD as string | null, services: opts.services ?? [live('web', OLD)] };
  const swarm = { listLive: jest.fn(async () => state.services), tasks: jest.fn(async () => []) };
  const registry = { host: HOST, url: `http://${HOST}`, tagDigest: jest.fn(async () => state.tag) };
  const catalog = { definition: jest.fn(async (name: string) => ({ name, image: `${HOST}/busybox:1.0`, 'x-update': opts.policy })) };
  const deployments = {
    deployService: jest.fn(async (name: string) => {
      state.services = state.services.map((s) => (s.name === name ? live(name, state.tag!) : s));
      return {
        name,
        action: 'updated',
        image: '',
        historyId: 7,
        warnings: [],
        convergence: { outcome: 'converged', message: '1/1 replicas running' },
      };
    }),
    rollbackService: jest.fn(),
  };
  const monitor = { announce: (e: ChangeEvent) => events.push(e), changes$: { subscribe: jest.fn() } };
  const config = { images: { pollIntervalSeconds: 0, redeployDebounceMs: opts.debounceMs ?? 50 } };
  const redeploys = new ImageRedeploys(
    catalog as unknown as CatalogService,
    swarm as unknown as SwarmServices,
    registry as unknown as RegistryClient,
    deployments as unknown as DeploymentService,
    {} as DeploymentPlanner,
  );
  const updates = new ImageUpdates(
    config as unknown as AppConfig,
    registry as unknown as RegistryClient,
    swarm as unknown as SwarmServices,
    catalog as unknown as CatalogService,
    redeploys,
    new ImageUpdateState(registry as unknown as RegistryClient),
    monitor as unknown as HealthMonitor,
    opts.mode ?? 'background',
  );
  return { updates, events, state, deployments, registry };
}

const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('ImageUpdates', () => {
  it('announces an update when the tag names another digest than the service runs, with the push time of the notification', async () => {
    const { updates, events, state } = setup();
    await updates.evaluate();
    expect(updates.list()).toEqual([]);
    state.tag = NEW;
    await updates.notify(push(NEW, '2026-11-30T09:00:00Z'));
    await settle();
    await updates.evaluate();
    expect(updates.get('web')).toMatchObject({
      currentDigest: OLD,
      availableDigest: NEW,
      policy: 'notify',
      pushedAt: '2026-11-30T09:00:00.000Z',
      summary: `update available: ${'a'.repeat(12)} → ${'b'.repeat(12)}, pushed 2026-11-30T09:00:00.000Z`,
    });
    expect(events.map((e) => `${e.type}:${e.subject}:${e.action}`)).toEqual(['image-update:web:available']);
  });

  it('takes duplicated and out-of-order notifications as "look again": the registry\'s answer decides, announced once', async () => {
    const { updates, events, state } = setup();
    state.tag = NEWER;
    await updates.notify(push(NEWER, '2026-11-30T09:00:02Z'));
    await updates.notify(push(NEW, '2026-11-30T09:00:01Z')); // older, arrives late
    await updates.notify(push(NEWER, '2026-11-30T09:00:02Z')); // re-sent
    await settle();
    await updates.evaluate();
    expect(updates.get('web')?.availableDigest).toBe(NEWER);
    expect(updates.get('web')?.pushedAt).toBe('2026-11-30T09:00:02.000Z');
    expect(events.filter((e) => e.action === 'available')).toHaveLength(1);
  });

  it("clears the update once the service runs the tag's digest", async () => {
    const { updates, events, state } = setup();
    state.tag = NEW;
    await updates.evaluate();
    state.services = [live('web', NEW)];
    await updates.evaluate();
    expect(updates.list()).toEqual([]);
    expect(events.map((e) => e.action)).toEqual(['available', 'cleared']);
  });

  it('keeps what it knew while the registry does not answer', async () => {
    const { updates, state, registry } = setup();
    state.tag = NEW;
    await updates.evaluate();
    registry.tagDigest.mockRejectedValueOnce(new Error('unreachable'));
    await updates.evaluate();
    expect(updates.get('web')?.availableDigest).toBe(NEW);
  });

  it('follows only services on the configured registry with a pinned digest', async () => {
    const { updates, state, registry } = setup({
      services: [
        live('hub', OLD, 'docker.io/library/nginx:1'),
        { ...live('unpinned', OLD), imageDigest: undefined },
        live('pinned', OLD, `${HOST}/busybox`),
      ],
    });
    state.tag = NEW;
    await updates.evaluate();
    expect(updates.list()).toEqual([]);
    expect(registry.tagDigest).not.toHaveBeenCalled();
  });

  it('redeploys an x-update: redeploy service once for a burst, with actor registry', async () => {
    const { updates, state, deployments, events } = setup({ policy: 'redeploy', debounceMs: 100 });
    for (const digest of [NEW, NEWER]) {
      state.tag = digest;
      for (let i = 0; i < 25; i++) await updates.notify(push(digest, new Date().toISOString()));
      await settle(10);
    }
    await settle(400);
    expect(deployments.deployService).toHaveBeenCalledTimes(1);
    expect(deployments.deployService).toHaveBeenCalledWith('web', expect.objectContaining({ wait: true, actor: 'registry' }));
    expect(state.services[0].imageDigest).toBe(NEWER);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['available', 'redeploying', 'redeployed', 'cleared']));
  });

  it('only reports in the stdio server (on-demand): the long-running app alone carries out x-update: redeploy', async () => {
    const { updates, state, deployments } = setup({ policy: 'redeploy', debounceMs: 20, mode: 'on-demand' });
    state.tag = NEW;
    await updates.notify(push(NEW, new Date().toISOString()));
    await settle(10);
    await updates.evaluate();
    await settle(100);
    expect(updates.get('web')).toMatchObject({ availableDigest: NEW, policy: 'redeploy' });
    expect(deployments.deployService).not.toHaveBeenCalled();
  });

  it('rolls back a redeploy that does not converge and does not try that digest again', async () => {
    const { updates, state, deployments } = setup({ policy: 'redeploy', debounceMs: 20 });
    deployments.deployService.mockImplementationOnce(async (name: string) => {
      state.services = [live(name, NEW)];
      return {
        name,
        action: 'updated',
        image: '',
        historyId: 8,
        warnings: [],
        convergence: { outcome: 'failed', message: '0/1 replicas running; task: non-zero exit (1)' },
      };
    });
    deployments.rollbackService.mockImplementationOnce(async () => {
      state.services = [live('web', OLD)];
    });
    state.tag = NEW;
    await updates.notify(push(NEW, new Date().toISOString()));
    await settle(200);
    expect(deployments.rollbackService).toHaveBeenCalledWith(
      'web',
      'registry',
      `new digest sha256:${'b'.repeat(12)}… did not converge (0/1 replicas running; task: non-zero exit (1))`,
    );
    const update = updates.get('web')!;
    expect(update.redeploy).toMatchObject({ state: 'rolled-back', historyId: 8 });
    expect(update.redeploy!.message).toBe(
      `redeploy to ${'b'.repeat(12)} failed (failed: 0/1 replicas running; task: non-zero exit (1)); rolled back to ${'a'.repeat(12)}`,
    );
    await updates.notify(push(NEW, new Date().toISOString()));
    await settle(200);
    expect(deployments.deployService).toHaveBeenCalledTimes(1);
  });

  it('never redeploys notify and off services, and says nothing about off ones', async () => {
    for (const policy of ['notify', 'off']) {
      const { updates, state, deployments, events } = setup({ policy, debounceMs: 10 });
      state.tag = NEW;
      await updates.notify(push(NEW, new Date().toISOString()));
      await settle(100);
      expect(deployments.deployService).not.toHaveBeenCalled();
      expect(updates.list().map((u) => u.policy)).toEqual(policy === 'off' ? [] : ['notify']);
      expect(events).toHaveLength(policy === 'off' ? 0 : 1);
    }
  });

  it('follows a change of x-update while an update waits: notify, then redeploy', async () => {
    const { updates, state, deployments } = setup({ policy: 'notify', debounceMs: 10 });
    state.tag = NEW;
    await updates.evaluate();
    expect(updates.get('web')?.policy).toBe('notify');
    (updates as unknown as { catalog: { definition: jest.Mock } }).catalog.definition.mockImplementation(async (name: string) => ({
      name,
      image: `${HOST}/busybox:1.0`,
      'x-update': 'redeploy',
    }));
    await updates.evaluate();
    await settle(100);
    expect(deployments.deployService).toHaveBeenCalledTimes(1);
  });
});
