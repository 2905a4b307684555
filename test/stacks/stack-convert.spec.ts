import { DomainError } from '@app/common';
import { contentHash, convertStack, normaliseServiceSpec, serviceSpecDrift, type ComposeProject, type ServiceSpec } from '@app/swarm';
import { parseBytes, parseCpus, parseDuration, portConfigs, shellWords, volumeSpec } from '../../libs/swarm/src/stack/compose-values';
import { isEligible } from '../../libs/swarm/src/stack/node-eligibility';
import { loadStackFixture } from './fixtures/stack-fixture';

const VARS = { LAB_IMAGE: 'reg:5000/busybox:1.0', LAB_WEB_IMAGE: 'reg:5000/web:1.0' };
const failure = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
};
/** The plan's service by compose key, its container spec opened up for assertions. */
const service = (project: ComposeProject, key: string, stack = 'shop') => {
  const spec: any = convertStack(project, stack).services.find((s) => s.key === key)?.spec;
  return { spec, task: spec.TaskTemplate, c: spec.TaskTemplate.ContainerSpec };
};

describe('compose values as the docker CLI reads them', () => {
  it('reads Go durations, RAM sizes and rational CPUs', () => {
    expect(parseDuration('1m30s', 'k')).toBe(90e9);
    expect(parseDuration('1.5h', 'k')).toBe(5400e9);
    expect(parseDuration('300ms', 'k')).toBe(300e6);
    expect(parseDuration('0', 'k')).toBe(0);
    expect(failure(() => parseDuration('10', 'services.web.healthcheck.interval')).message).toBe(
      'services.web.healthcheck.interval: "10" is not a duration (e.g. 10s, 1m30s, 500ms)',
    );
    expect(parseBytes('64M', 'k')).toBe(67108864);
    expect(parseBytes('1.5g', 'k')).toBe(1610612736);
    expect(parseBytes('512kb', 'k')).toBe(524288);
    expect(parseBytes(1024, 'k')).toBe(1024);
    expect(parseCpus('0.5', 'k')).toBe(500_000_000);
    expect(parseCpus(2, 'k')).toBe(2e9);
    expect(failure(() => parseCpus('0.0000000001', 'services.a.deploy.resources.limits.cpus')).message).toContain('too precise');
  });

  it('splits a command string into words with quotes and escapes', () => {
    expect(shellWords(`sh -c 'echo "a b"; exit 1'`, 'k')).toEqual(['sh', '-c', 'echo "a b"; exit 1']);
    expect(shellWords('echo "x\\"y" a\\ b ""', 'k')).toEqual(['echo', 'x"y', 'a b', '']);
    expect(failure(() => shellWords('echo "open', 'services.a.command')).message).toBe('services.a.command: unclosed " quote');
  });

  it('reads short port and volume syntaxes', () => {
    expect(portConfigs('8080:80', 'k')).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' }]);
    expect(portConfigs('127.0.0.1:53:53/udp', 'k')).toEqual([
      { Protocol: 'udp', TargetPort: 53, PublishedPort: 53, PublishMode: 'ingress' },
    ]);
    expect(portConfigs('9000-9001:80-81', 'k').map((p) => [p.PublishedPort, p.TargetPort])).toEqual([
      [9000, 80],
      [9001, 81],
    ]);
    expect(portConfigs(80, 'k')).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 0, PublishMode: 'ingress' }]);
    expect(volumeSpec('data:/data:ro,nocopy', 'k')).toEqual({
      type: 'volume',
      source: 'data',
      target: '/data',
      read_only: true,
      volume: { nocopy: true },
    });
    expect(volumeSpec('/var/run/docker.sock:/var/run/docker.sock', 'k')).toMatchObject({ type: 'bind' });
    expect(volumeSpec('/anon', 'k')).toEqual({ type: 'volume', target: '/anon' });
  });
});

describe('convertStack: a compose project as docker stack deploy sends it', () => {
  const { project } = loadStackFixture('webapp', { ...VARS });

  it('names every object in the stack namespace and labels it', () => {
    const plan = convertStack(project, 'shop');
    expect(plan.services.map((s) => s.name).sort()).toEqual(['shop_api', 'shop_web', 'shop_worker']);
    expect(plan.networks.map((n) => [n.name, n.driver, n.attachable, n.labels])).toEqual([
      ['shop_backend', 'overlay', true, { 'com.docker.stack.namespace': 'shop' }],
      ['shop_frontend', 'overlay', false, { tier: 'front', 'com.docker.stack.namespace': 'shop' }],
    ]);
    const site = plan.configs.find((c) => c.key === 'site');
    expect(site?.name).toBe(`shop_site-${contentHash(Buffer.from('hello from the stack\n'))}`);
    expect(site?.labels).toEqual({ 'com.docker.stack.namespace': 'shop' });
    expect(plan.secrets.map((s) => s.name.replace(/-[0-9a-f]{10}$/, '')).sort()).toEqual(['shop_api_key', 'shop_db_password']);
  });

  it('converts the web service field for field as the CLI does', () => {
    const { spec, task, c } = service(project, 'web');
    expect(spec.Labels).toEqual({
      'traefik.enable': 'true',
      'com.docker.stack.namespace': 'shop',
      'com.docker.stack.image': 'reg:5000/web:1.0',
    });
    expect(c.Labels).toEqual({ 'app.role': 'front', 'com.docker.stack.namespace': 'shop' });
    expect(c.Env).toEqual(['API_URL=http://api:8080', 'EMPTY_VALUE=', 'SITE_NAME=demo']);
    expect(c.Hostname).toBe('web-{{.Task.Slot}}');
    expect(c.StopGracePeriod).toBe(2e9);
    expect(c.Healthcheck).toEqual({
      Test: ['CMD', 'wget', '-q', '-O', '-', 'http://127.0.0.1:80/'],
      Interval: 5e9,
      Timeout: 2e9,
      StartPeriod: 1e9,
      StartInterval: 0,
      Retries: 3,
    });
    expect(c.Configs).toEqual([
      {
        ConfigName: expect.stringMatching(/^shop_site-[0-9a-f]{10}$/),
        ConfigID: '',
        File: { Name: '/www/site.txt', UID: '0', GID: '0', Mode: 0o440 },
      },
    ]);
    expect(task.Resources).toEqual({
      Limits: { NanoCPUs: 5e8, MemoryBytes: 64 * 1024 ** 2 },
      Reservations: { NanoCPUs: 1e8, MemoryBytes: 16 * 1024 ** 2 },
    });
    expect(task.RestartPolicy).toEqual({ Condition: 'on-failure', Delay: 1e9, MaxAttempts: 3, Window: 30e9 });
    expect(task.Placement).toEqual({ Preferences: [{ Spread: { SpreadDescriptor: 'node.id' } }], MaxReplicas: 1 });
    expect(task.Networks).toEqual([{ Target: 'shop_frontend', Aliases: ['www', 'web'] }]);
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 2 } });
    expect(spec.EndpointSpec).toEqual({ Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18580, PublishMode: 'host' }] });
    expect(spec.UpdateConfig).toEqual({
      Parallelism: 2,
      Delay: 1e9,
      FailureAction: 'rollback',
      Monitor: 2e9,
      MaxFailureRatio: 0,
      Order: 'start-first',
    });
    expect(spec.RollbackConfig).toEqual({ Parallelism: 1, Delay: 0, Monitor: 0, MaxFailureRatio: 0, Order: 'stop-first' });
  });

  it('converts mounts, secrets with their defaults, user, init and dnsrr', () => {
    const { spec, task, c } = service(project, 'api');
    expect(c.Args).toEqual(['sh', '-c', 'echo api up; exec sleep 3600']);
    expect(c.Command).toBeUndefined();
    expect([c.User, c.Dir, c.Init, c.ReadOnly]).toEqual(['1000:1000', '/tmp', true, true]);
    expect(c.Env).toEqual(['DB_HOST=db', 'DB_PASSWORD_FILE=/run/secrets/db_password', 'DEBUG']);
    expect(c.Mounts).toEqual([
      { Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: 1048576 } },
      {
        Type: 'volume',
        Source: 'shop_data',
        Target: '/data',
        VolumeOptions: { Labels: { keep: 'yes', 'com.docker.stack.namespace': 'shop' } },
      },
      { Type: 'bind', Source: '/tmp', Target: '/host-tmp', ReadOnly: true },
    ]);
    expect(c.Secrets.map((s: { File: object }) => s.File)).toEqual([
      { Name: 'api.key', UID: '1000', GID: '1000', Mode: 0o400 },
      { Name: 'db_password', UID: '0', GID: '0', Mode: 0o444 },
    ]);
    expect(c.Healthcheck.Test).toEqual(['CMD-SHELL', 'test -e /proc/1 || exit 1']);
    expect(task.Placement).toEqual({ Constraints: ['node.role == manager'] });
    expect(task.Networks.map((n: { Target: string; Aliases: string[] }) => [n.Target, n.Aliases])).toEqual([
      ['shop_backend', ['api']],
      ['shop_frontend', ['api']],
    ]);
    expect(spec.EndpointSpec).toEqual({ Mode: 'dnsrr' });
    expect(task.Resources).toEqual({});
  });

  it('gives a service without networks the stack default network, global mode, entrypoint and logging', () => {
    const { project: mon } = loadStackFixture('monitoring', { ...VARS });
    const plan = convertStack(mon, 'mon');
    expect(plan.networks.map((n) => n.name)).toEqual(['mon_default']);
    const agent = service(mon, 'agent', 'mon');
    expect(agent.spec.Mode).toEqual({ Global: {} });
    expect(agent.c.Args).toEqual(['sh', '-c', 'while true; do echo "agent on $HOSTNAME"; sleep 5; done']);
    expect(agent.c.CapabilityAdd).toEqual(['CAP_NET_ADMIN']);
    expect(agent.c.CapabilityDrop).toEqual(['CAP_MKNOD']);
    expect(agent.task.RestartPolicy).toEqual({ Condition: 'any' });
    expect(agent.task.Networks).toEqual([{ Target: 'mon_default', Aliases: ['agent'] }]);
    const col = service(mon, 'collector', 'mon');
    expect(col.c.Hosts).toEqual(['10.99.5.1 registry.lab']);
    expect(col.c.DNSConfig).toEqual({ Nameservers: ['10.99.5.1'], Search: ['lab.local'] });
    expect(col.c.Sysctls).toEqual({ 'net.ipv4.tcp_keepalive_time': '600' });
    expect(col.c.Ulimits).toEqual([
      { Name: 'nofile', Soft: 1024, Hard: 2048 },
      { Name: 'nproc', Soft: 512, Hard: 512 },
    ]);
    expect([col.c.TTY, col.c.OpenStdin]).toEqual([true, true]);
    expect(col.c.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(col.task.RestartPolicy).toEqual({ Condition: 'on-failure', MaxAttempts: 3 });
    expect(col.spec.UpdateConfig).toMatchObject({ Parallelism: 0, MaxFailureRatio: 0.5 });
    expect(service(mon, 'once', 'mon').spec.Mode).toEqual({ ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } });
    const worker = service(project, 'worker');
    expect([worker.c.Command, worker.c.Args, worker.c.StopSignal]).toEqual([['sleep'], ['3600'], 'SIGKILL']);
    expect(worker.task.LogDriver).toEqual({ Name: 'json-file', Options: { 'max-size': '1m', 'max-file': '2' } });
  });

  it('keeps external and explicitly named objects by their names', () => {
    const p: ComposeProject = {
      services: { app: { image: 'x', networks: ['proxy', 'own'], volumes: ['certs:/certs'], secrets: ['tls'] } },
      networks: { proxy: { external: true, name: 'traefik-public' }, own: { name: 'fixed-net' } },
      volumes: { certs: { external: true } },
      secrets: { tls: { external: true, name: 'site-tls' } },
    };
    const plan = convertStack(p, 'edge');
    expect(plan.externalNetworks).toEqual([{ key: 'proxy', name: 'traefik-public' }]);
    expect(plan.networks.map((n) => n.name)).toEqual(['fixed-net']);
    expect(plan.secrets).toEqual([]);
    const { task, c } = service(p, 'app', 'edge');
    expect(task.Networks.map((n: { Target: string }) => n.Target)).toEqual(['fixed-net', 'traefik-public']);
    expect(c.Mounts).toEqual([{ Type: 'volume', Source: 'certs', Target: '/certs', VolumeOptions: {} }]);
    expect(c.Secrets[0]).toMatchObject({ SecretName: 'site-tls', File: { Name: 'tls' } });
  });

  it('names a changed content with a new hash, and the same content with the same name', () => {
    const mk = (text: string): ComposeProject => ({
      services: { a: { image: 'x', configs: ['c'] } },
      configs: { c: { content: Buffer.from(text) } },
    });
    const [one, same, other] = [mk('v1'), mk('v1'), mk('v2')].map((p) => convertStack(p, 's').configs[0].name);
    expect(one).toBe(same);
    expect(other).not.toBe(one);
    expect(other).toMatch(/^s_c-[0-9a-f]{10}$/);
  });

  it('refuses what has no meaning on a swarm, naming the compose key', () => {
    const bad = (svc: ComposeProject['services'][string], extra: Partial<ComposeProject> = {}) =>
      failure(() => convertStack({ services: { web: svc }, ...extra }, 's'));
    expect(bad({ image: 'x', volumes: ['./proxy/nginx.conf:/etc/nginx/nginx.conf'] }).message).toBe(
      'services.web.volumes[0].source: "./proxy/nginx.conf": a relative bind path has no meaning on a swarm node; use an absolute path or a named volume',
    );
    expect(bad({ image: 'x', networks: ['frontend'] }).message).toBe(
      'services.web.networks: undefined network "frontend" (not among the top-level networks)',
    );
    expect(bad({ image: 'x', volumes: ['data:/d'] }).message).toContain('services.web.volumes[0].source: undefined volume "data"');
    expect(bad({ image: 'x', secrets: ['pw'] }).message).toContain('services.web.secrets[0]: undefined secret "pw"');
    expect(bad({ image: 'x', deploy: { mode: 'global', replicas: 2 } }).message).toBe(
      'services.web.deploy.replicas: replicas can only be used with replicated or replicated-job mode',
    );
    expect(bad({ image: 'x', healthcheck: { interval: '5' } }).message).toContain('services.web.healthcheck.interval');
    expect(bad({ build: '.' } as ComposeProject['services'][string]).message).toContain('services.web.image');
    expect(bad({ image: 'x', configs: ['c'] }, { configs: { c: { file: './c.conf' } } }).message).toBe(
      'configs.c: its content was not read',
    );
    expect(failure(() => convertStack({ services: { a: { image: 'x' } } }, 'bad name')).code).toBe('INVALID');
  });
});

describe('drift compares like with like', () => {
  const { project } = loadStackFixture('webapp', { ...VARS });
  const wanted = convertStack(project, 'shop').services.find((s) => s.key === 'web')?.spec as ServiceSpec;

  it('finds none between a converted spec and the Engine-filled one with network ids and a pinned image', () => {
    const deployed = structuredClone(wanted) as ServiceSpec & { TaskTemplate: Record<string, any> } & Record<string, any>;
    const container = deployed.TaskTemplate.ContainerSpec!;
    container.Image = 'reg:5000/web:1.0@sha256:abc';
    container.Isolation = 'default';
    container.DNSConfig = {};
    container.Privileges = { CredentialSpec: null, SELinuxContext: null, NoNewPrivileges: false };
    container.Configs![0].ConfigID = 'cfg1';
    deployed.TaskTemplate.Networks = [{ Target: 'netid1', Aliases: ['www', 'web'] }];
    deployed.TaskTemplate.ForceUpdate = 0;
    deployed.TaskTemplate.Runtime = 'container';
    deployed.RollbackConfig = { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' };
    deployed.EndpointSpec = { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18580, PublishMode: 'host' }] };
    expect(serviceSpecDrift(wanted, deployed, { networkNames: new Map([['netid1', 'shop_frontend']]) })).toEqual([]);
  });

  it('names each field that differs', () => {
    const deployed = structuredClone(wanted) as ServiceSpec & { TaskTemplate: Record<string, any> } & Record<string, any>;
    deployed.TaskTemplate.ContainerSpec!.Env = ['SITE_NAME=other'];
    deployed.Mode = { Replicated: { Replicas: 3 } };
    deployed.TaskTemplate.Networks = [{ Target: 'netid2', Aliases: ['web'] }];
    const paths = serviceSpecDrift(wanted, deployed, { networkNames: new Map([['netid2', 'shop_backend']]) }).map((d) => d.path);
    expect(paths).toEqual(['Mode.Replicated.Replicas', 'TaskTemplate.ContainerSpec.Env', 'TaskTemplate.Networks']);
  });

  it('fills the Engine defaults: no update config means parallelism 1, pause, 5 s monitor', () => {
    const n = normaliseServiceSpec({ Name: 'a', TaskTemplate: { ContainerSpec: { Image: 'x' } } } as ServiceSpec) as Record<string, any>;
    expect(n.UpdateConfig).toEqual({ Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, Order: 'stop-first' });
    expect(n.TaskTemplate.RestartPolicy).toEqual({ Condition: 'any', Delay: 5e9 });
    expect(n.Mode).toEqual({ Replicated: { Replicas: 1 } });
  });
});

describe('global service eligibility', () => {
  const node = (role: string, extra: object = {}) => ({
    ID: role,
    Spec: { Role: role, Availability: 'active', Labels: { zone: 'a' } },
    Status: { State: 'ready' },
    Description: { Hostname: `${role}-host`, Platform: { OS: 'linux', Architecture: 'x86_64' } },
    ...extra,
  });

  it('counts active ready nodes that match the constraints and platforms', () => {
    expect(isEligible(node('manager'), { Constraints: ['node.role == manager'] })).toBe(true);
    expect(isEligible(node('worker'), { Constraints: ['node.role == manager'] })).toBe(false);
    expect(isEligible(node('worker'), { Constraints: ['node.labels.zone==a', 'node.platform.os == linux'] })).toBe(true);
    expect(isEligible(node('worker'), { Constraints: ['node.labels.missing != x'] })).toBe(true);
    expect(isEligible(node('worker'), { Platforms: [{ OS: 'linux', Architecture: 'amd64' }] })).toBe(true);
    expect(isEligible(node('worker'), { Platforms: [{ OS: 'linux', Architecture: 'arm64' }] })).toBe(false);
    expect(isEligible(node('worker', { Spec: { Role: 'worker', Availability: 'drain' } }), {})).toBe(false);
    expect(isEligible(node('worker', { Status: { State: 'down' } }), {})).toBe(false);
  });
});
