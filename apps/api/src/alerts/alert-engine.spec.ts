import { Subject } from 'rxjs';
import { AlertMute, AlertRecord, AlertRules, DEFAULT_ALERT_RULES, DeployOutcome } from '@app/catalog';
import type { TaskSummary } from '@app/swarm';
import type { HealthSnapshot, ServiceHealth } from '../health/health-snapshot';
import { AlertEngine } from './alert-engine';
import type { AlertNotification } from './channels';

const T0 = Date.parse('2026-11-30T10:00:00Z');

function snapshot(over: Partial<HealthSnapshot> = {}): HealthSnapshot {
  return {
    status: 'healthy',
    reasons: [],
    docker: { reachable: true, endpoint: 'unix:///var/run/docker.sock' },
    registry: { configured: false, reachable: false },
    nodes: [{ id: 'n1', hostname: 'mini2', role: 'manager', state: 'ready', availability: 'active', ok: true }],
    services: [],
    lastPollAt: new Date(T0).toISOString(),
    eventStreamConnected: true,
    ...over,
  };
}

const service = (over: Partial<ServiceHealth>): ServiceHealth => ({
  id: 's1',
  name: 'web',
  mode: 'replicated',
  desired: 2,
  running: 2,
  recentFailures: 0,
  version: 1,
  ok: true,
  ...over,
});

/** The engine over in-memory fakes of its adapters; every method it may call is stubbed, anything else throws. */
function setup(rules: Partial<AlertRules> = {}) {
  let now = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  let snap = snapshot();
  const alerts: AlertRecord[] = [];
  const events: Array<{ kind: string; message: string }> = [];
  const mutes: AlertMute[] = [];
  const sent: AlertNotification[] = [];
  const tasks = new Map<string, TaskSummary[]>();
  const deploys: DeployOutcome[] = [];
  const store = {
    firing: jest.fn(async () => alerts.filter((a) => a.state === 'firing')),
    create: jest.fn(async (a: Omit<AlertRecord, 'id' | 'notifications'>) => {
      const rec = { ...a, id: alerts.length + 1, notifications: 0 } as AlertRecord;
      alerts.push(rec);
      return { ...rec };
    }),
    update: jest.fn(async (id: number, patch: Partial<AlertRecord>) => void Object.assign(alerts[id - 1], patch)),
    addEvents: jest.fn(async (e: Array<{ kind: string; message: string }>) => void events.push(...e)),
    deployOutcomes: jest.fn(async (after: number | undefined, limit: number) => {
      const byId = [...deploys].sort((a, b) => a.id - b.id);
      return after === undefined ? byId.slice(-limit) : byId.filter((d) => d.id > after).slice(0, limit);
    }),
  };
  const muteStore = { active: jest.fn(async (at: string) => mutes.filter((m) => m.until > at)) };
  const engine = new AlertEngine(
    { snapshot: () => snap, changes$: new Subject() } as any,
    {
      tasks: jest.fn(async (name: string) => tasks.get(name) ?? []),
      inspect: jest.fn(async () => ({ spec: { TaskTemplate: { Placement: { Constraints: ['node.labels.gpu==true'] } } } })),
    } as any,
    store as any,
    muteStore as any,
    { read: async () => ({ rules: { ...structuredClone(DEFAULT_ALERT_RULES), ...rules } }) } as any,
    { notify: (n: AlertNotification) => sent.push(n) } as any,
  );
  const flush = async () => {
    for (let i = 0; i < 5; i++) {
      await engine.evaluate();
      await new Promise((r) => setImmediate(r));
    }
  };
  return {
    engine,
    alerts,
    events,
    mutes,
    sent,
    tasks,
    deploys,
    flush,
    at: (seconds: number) => (now = T0 + seconds * 1000),
    set: (s: Partial<HealthSnapshot>) => (snap = snapshot(s)),
  };
}

const failedTask = (id: string, at: number, exitCode = 137): TaskSummary => ({
  id,
  serviceId: 's1',
  serviceName: 'web',
  slot: 1,
  nodeHostname: 'rog1',
  desiredState: 'shutdown',
  state: 'failed',
  exitCode,
  error: `task: non-zero exit (${exitCode})`,
  timestamp: new Date(at).toISOString(),
});

afterEach(() => jest.restoreAllMocks());

describe('AlertEngine', () => {
  it('damps with for: a service below its replicas fires only after 30 s, once, then resolves', async () => {
    const e = setup();
    e.set({ services: [service({ running: 1, ok: false })] });
    await e.flush();
    e.at(29);
    await e.flush();
    expect(e.sent).toEqual([]);
    e.at(30);
    await e.flush();
    e.at(45);
    await e.flush();
    expect(e.sent.map((n) => [n.event, n.alert.rule, n.alert.message])).toEqual([
      ['fired', 'replicas_below', 'service web: 1 of 2 replicas running'],
    ]);
    expect(e.sent[0].alert.startedAt).toBe(new Date(T0).toISOString());
    e.set({ services: [service({})] });
    e.at(50);
    await e.flush();
    expect(e.sent.map((n) => n.event)).toEqual(['fired', 'resolved']);
    expect(e.alerts[0]).toMatchObject({ state: 'resolved', resolvedAt: new Date(T0 + 50_000).toISOString() });
  });

  it('a dip shorter than for: fires nothing (a rolling update)', async () => {
    const e = setup();
    e.set({ services: [service({ running: 1 })] });
    await e.flush();
    e.at(10);
    e.set({ services: [service({})] });
    await e.flush();
    e.at(40);
    await e.flush();
    expect(e.sent).toEqual([]);
    expect(e.alerts).toEqual([]);
  });

  it('one "task failed" per crash-looping service, with the exit code in words, however many restarts', async () => {
    const e = setup();
    e.tasks.set('web', [failedTask('t1', T0 - 1000)]);
    e.set({ services: [service({ recentFailures: 1, running: 1, ok: false })] });
    await e.flush();
    for (let i = 2; i <= 6; i++) {
      e.at(i * 3);
      e.tasks.set('web', [...(e.tasks.get('web') ?? []), failedTask(`t${i}`, T0 + i * 3000)]);
      e.set({ services: [service({ recentFailures: i, running: 1, ok: false })] });
      await e.flush();
    }
    const fired = e.sent.filter((n) => n.alert.rule === 'task_failed');
    expect(fired).toHaveLength(1);
    expect(fired[0].alert.message).toBe(
      'service web: 1 task failed recently, the last exit code 137: stopped by signal 9 (SIGKILL: killed, most often for running out of memory (the memory limit or the node) or stopped by force)',
    );
    expect(fired[0].alert.details).toMatchObject({ exitCode: 137, node: 'rog1' });
    // quiet for resolve_after (120 s) after the last failure: resolved
    e.at(18 + 121);
    e.set({ services: [service({ recentFailures: 6 })] });
    await e.flush();
    expect(e.sent.filter((n) => n.alert.rule === 'task_failed').map((n) => n.event)).toEqual(['fired', 'resolved']);
  });

  it('names the failing constraint of a task no node can take', async () => {
    const e = setup();
    e.tasks.set('web', [
      {
        id: 't1',
        serviceId: 's1',
        desiredState: 'running',
        state: 'pending',
        error: 'no suitable node (scheduling constraints not satisfied on 3 nodes)',
      },
    ]);
    e.set({ services: [service({ running: 0, desired: 1, ok: false })] });
    await e.flush();
    const fired = e.sent.find((n) => n.alert.rule === 'task_failed')!;
    expect(fired.alert.message).toBe(
      'service web: a task cannot be scheduled: no suitable node (scheduling constraints not satisfied on 3 nodes); constraints: node.labels.gpu==true',
    );
  });

  it('a muted service fires nothing and records who muted; once the mute ends, the alert is sent', async () => {
    const e = setup();
    e.mutes.push({
      id: 1,
      scope: 'service',
      target: 'web',
      until: new Date(T0 + 60_000).toISOString(),
      createdAt: new Date(T0).toISOString(),
      actor: 'alice',
    });
    e.set({
      nodes: [{ id: 'n1', hostname: 'mini2', role: 'manager', state: 'ready', availability: 'active', ok: true }],
      services: [service({ running: 0, ok: false })],
    });
    await e.flush();
    e.at(31);
    await e.flush();
    e.at(50);
    await e.flush();
    expect(e.alerts[0]).toMatchObject({ rule: 'replicas_below', mutedBy: 'alice' });
    expect(e.sent).toEqual([]);
    // the mute ran out at 60 s
    e.at(61);
    await e.flush();
    expect(e.sent.map((n) => n.event)).toEqual(['fired']);
    expect(e.events.map((x) => x.kind)).toEqual(['fired', 'unmuted']);
  });

  it('repeats at the rule’s interval while it lasts, and never by default', async () => {
    const e = setup({ node_down: { enabled: true, severity: 'critical', for: 0, repeat: 60 } });
    e.set({ nodes: [{ id: 'n2', hostname: 'rog1', role: 'worker', state: 'down', availability: 'active', ok: false }] });
    await e.flush();
    e.at(59);
    await e.flush();
    e.at(60);
    await e.flush();
    expect(e.sent.map((n) => `${n.event} ${n.alert.message}`)).toEqual(['fired node rog1 is down', 'repeated node rog1 is down']);
  });

  it('with Docker unreachable, node and service alerts neither resolve nor fire again; docker_unreachable fires after its for:', async () => {
    const e = setup();
    e.set({ nodes: [{ id: 'n2', hostname: 'rog1', role: 'worker', state: 'down', availability: 'active', ok: false }] });
    await e.flush();
    e.set({ docker: { reachable: false, endpoint: 'tcp://mini2:2375', error: 'connect ECONNREFUSED' }, nodes: [] });
    e.at(10);
    await e.flush();
    e.at(40);
    await e.flush();
    expect(e.sent.map((n) => `${n.event} ${n.alert.rule}`)).toEqual(['fired node_down', 'fired docker_unreachable']);
    expect(e.sent[1].alert.message).toBe('Docker unreachable at tcp://mini2:2375: connect ECONNREFUSED');
  });

  it('fires when the latest deploy or rollback of a service failed (from the deploy history), and resolves on a later success', async () => {
    const e = setup();
    e.deploys.push({
      id: 1,
      service: 'web',
      action: 'deploy',
      status: 'failed',
      at: '2026-11-30T10:00:00Z',
      message: 'did not converge: task exited with 1',
    });
    await e.flush();
    expect(e.sent.map((n) => [n.event, n.alert.rule, n.alert.severity, n.alert.message])).toEqual([
      ['fired', 'deploy_failed', 'warning', 'deploy of web failed: did not converge: task exited with 1'],
    ]);
    e.deploys.push({ id: 2, service: 'web', action: 'rollback', status: 'succeeded', at: '2026-11-30T10:01:00Z' });
    await e.flush();
    expect(e.sent.map((n) => n.event)).toEqual(['fired', 'resolved']);
  });

  it('fires for a deploy that fails after a later-started one finished (its record was in progress when read), once', async () => {
    const e = setup();
    // web's deploy (id 1) is still running when api's (id 2) finishes and is read
    e.deploys.push({ id: 1, service: 'web', action: 'deploy', status: 'in_progress', at: '2026-11-30T09:59:58Z' });
    e.deploys.push({ id: 2, service: 'api', action: 'deploy', status: 'succeeded', at: '2026-11-30T10:00:00Z' });
    await e.flush();
    expect(e.sent).toEqual([]);
    Object.assign(e.deploys[0], { status: 'failed', at: '2026-11-30T10:00:05Z', message: 'did not converge' });
    e.at(5);
    await e.flush();
    e.at(6);
    await e.flush();
    expect(e.sent.map((n) => [n.event, n.alert.rule, n.alert.service])).toEqual([['fired', 'deploy_failed', 'web']]);
  });
});
