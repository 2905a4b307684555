import { dockerCli, labDocker, removeServices } from '../fixtures/docker';
import { eventually, labImage, labPid, restartLab } from '../fixtures/lab';
import { collectSse } from '../fixtures/sse';
import { startTestApp, TestApp } from '../fixtures/test-app';

const PREFIX = 't-health-';
jest.setTimeout(180_000);

describe('health monitor, events and metrics on the lab', () => {
  let t: TestApp;
  const docker = labDocker();

  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp({ HEALTH_POLL_INTERVAL: '30' });
    await eventually(async () => (await t.client.GET('/api/health/detailed')).data?.lastPollAt, 10_000, 'the first poll');
  });
  afterAll(async () => {
    await removeServices(PREFIX);
    await t?.close();
  });

  const snapshot = async () => (await t.client.GET('/api/health/detailed')).data!;

  it('shows a healthy cluster with every node and service', async () => {
    const s = await eventually(
      async () => {
        const x = await snapshot();
        return x.status === 'healthy' && x;
      },
      30_000,
      'a healthy cluster',
    );
    expect(s.nodes.map((n: any) => n.hostname).sort()).toEqual(['mini2', 'rog1', 'spark1']);
    expect(s.docker.reachable).toBe(true);
    expect(s.registry).toMatchObject({ configured: true, reachable: true });
  });

  it('shows a `docker service scale` made with the CLI on the event stream within 2 s', async () => {
    await docker.createService({
      Name: `${PREFIX}scale`,
      TaskTemplate: { ContainerSpec: { Image: labImage(), Args: ['sleep', '3600'] } },
      Mode: { Replicated: { Replicas: 1 } },
    } as any);
    await eventually(
      async () => (await snapshot()).services.find((s: any) => s.name === `${PREFIX}scale` && s.running === 1),
      60_000,
      'the service to run',
    );
    const sse = collectSse(await t.api('/api/events'));
    try {
      await sse.waitFor((e) => e.event === 'snapshot', 5_000, 'snapshot');
      const started = Date.now();
      dockerCli(['service', 'scale', '--detach', `${PREFIX}scale=3`]);
      const seen = await sse.waitFor(
        (e) => e.data?.subject === `${PREFIX}scale` && (e.event === 'service' || e.event === 'replicas'),
        2_000,
        'for the scale',
      );
      expect(seen.receivedAt - started).toBeLessThan(2_000);
      const replicas = await sse.waitFor(
        (e) => e.event === 'replicas' && e.data.subject === `${PREFIX}scale` && e.data.data.running === 3,
        30_000,
        'for 3 running',
      );
      expect(replicas.data.data.desired).toBe(3);
    } finally {
      await sse.stop();
    }
  });

  it('serves Prometheus text whose replica gauges match the swarm', async () => {
    await eventually(
      async () => (await snapshot()).services.find((s: any) => s.name === `${PREFIX}scale`)?.running === 3,
      30_000,
      '3 running',
    );
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const samples = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (-?[\d.e+-]+|NaN|[+-]Inf)$/.exec(line);
      expect(m).not.toBeNull();
      samples.set(m![1], Number(m![2]));
    }
    const tasks = await docker.listTasks({ filters: JSON.stringify({ service: [`${PREFIX}scale`], 'desired-state': ['running'] }) });
    expect(samples.get(`swarm_service_replicas_running{service="${PREFIX}scale"}`)).toBe(
      tasks.filter((x: any) => x.Status.State === 'running').length,
    );
    expect(samples.get(`swarm_service_replicas_desired{service="${PREFIX}scale"}`)).toBe(3);
    expect(samples.get('swarm_nodes{state="ready",availability="active"}')).toBe(3);
    expect(samples.get('swarm_docker_up')).toBe(1);
    expect([...samples.keys()].some((k) => k.startsWith('http_requests_total{method="GET",route="/api/health/detailed"'))).toBe(true);
  });

  it('turns a stopped worker down and the cluster degraded, on the snapshot and the stream, and back', async () => {
    const sse = collectSse(await t.api('/api/events'));
    try {
      process.kill(labPid('rog1'), 'SIGKILL');
      const started = Date.now();
      // the lab's dispatcher heartbeat is 1 s: the swarm notices in about 4 s
      const down = await sse.waitFor(
        (e) => e.event === 'node' && e.data.subject === 'rog1' && e.data.action === 'down',
        20_000,
        'rog1 down',
      );
      const degraded = await sse.waitFor((e) => e.event === 'health' && e.data.action === 'degraded', 5_000, 'degraded');
      expect(down.receivedAt - started).toBeLessThan(20_000);
      const s = await snapshot();
      expect(s.status).toBe('degraded');
      expect(s.reasons).toContain('node rog1 is down');
      expect(degraded.data.data.reasons).toContain('node rog1 is down');
      restartLab();
      await sse.waitFor((e) => e.event === 'node' && e.data.subject === 'rog1' && e.data.action === 'ready', 30_000, 'rog1 ready');
      await eventually(async () => (await snapshot()).nodes.find((n: any) => n.hostname === 'rog1')?.ok, 10_000, 'rog1 ok');
    } finally {
      await sse.stop();
      restartLab();
    }
    const history = (await t.client.GET('/api/health/history')).data!;
    const rog1 = history.events.filter((e) => e.kind === 'node' && e.subject === 'rog1').map((e) => e.status);
    expect(rog1.slice(0, 2)).toEqual(['ready', 'down']);
  });

  it('says Docker is unreachable while the manager is down, keeps answering, and recovers by itself', async () => {
    process.kill(labPid('mini2'), 'SIGKILL');
    try {
      const s = await eventually(
        async () => {
          const x = await snapshot();
          return !x.docker.reachable && x;
        },
        15_000,
        'docker unreachable',
      );
      expect(s.status).toBe('unhealthy');
      expect(s.reasons[0]).toMatch(/^Docker unreachable: /);
      expect((await t.client.GET('/api/health')).response.status).toBe(200);
    } finally {
      restartLab();
    }
    await eventually(async () => (await snapshot()).docker.reachable, 30_000, 'docker reachable again');
    const sse = collectSse(await t.api('/api/events'));
    try {
      await docker.createService({
        Name: `${PREFIX}after`,
        TaskTemplate: { ContainerSpec: { Image: labImage(), Args: ['sleep', '60'] } },
        Mode: { Replicated: { Replicas: 0 } },
      } as any);
      await sse.waitFor(
        (e) => e.event === 'service' && e.data.subject === `${PREFIX}after` && e.data.action === 'created',
        5_000,
        'the new service after recovery',
      );
    } finally {
      await sse.stop();
    }
  });
});
