import { validateDefinition } from '@app/catalog';
import { composeToSwarmSpec, specHash } from './compose-to-swarm-spec';
import { specDrift } from './spec-drift';
import { durationToNanos, shellSplit, sizeToBytes } from './compose-units';
import { eligibleNodes, nodeArch } from './platform-check';

describe('compose units', () => {
  it('reads durations, sizes and shell commands', () => {
    expect(durationToNanos('1m30s')).toBe(90e9);
    expect(durationToNanos('500ms')).toBe(5e8);
    expect(sizeToBytes('512M')).toBe(512 * 1024 ** 2);
    expect(sizeToBytes('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(sizeToBytes(2048)).toBe(2048);
    expect(shellSplit(`sh -c "echo 'a b'; echo \\"c\\"" x\\ y`)).toEqual(['sh', '-c', `echo 'a b'; echo "c"`, 'x y']);
    expect(() => shellSplit('echo "open')).toThrow(/unterminated/);
  });
});

describe('composeToSwarmSpec', () => {
  const def = validateDefinition({
    name: 'gpu',
    image: 'mini2:5000/ml/app:2',
    entrypoint: ['/serve'],
    command: '--port 9000',
    environment: ['B=2', 'A=1'],
    ports: ['9000:9000/udp', { target: 80, published: 8080, mode: 'host' }],
    volumes: ['/srv/models:/models:ro', 'cache:/cache', { type: 'tmpfs', target: '/tmp', tmpfs: { size: '64M' } }],
    labels: { tier: 'ml' },
    healthcheck: { test: 'curl -f localhost', interval: '10s', retries: 2 },
    deploy: {
      replicas: 2,
      labels: ['team=ml'],
      placement: { constraints: ['node.labels.gpu == true'], preferences: [{ spread: 'node.hostname' }] },
      resources: {
        limits: { cpus: '1.5', memory: '1G' },
        reservations: { generic_resources: [{ discrete_resource_spec: { kind: 'NVIDIA-GPU', value: 1 } }] },
      },
      update_config: { parallelism: 1, delay: '5s', order: 'start-first', failure_action: 'rollback' },
      restart_policy: { condition: 'on-failure', max_attempts: 3, delay: '2s' },
    },
  });

  it('produces the spec docker stack deploy would', () => {
    const spec: any = composeToSwarmSpec(def);
    expect(spec.Name).toBe('gpu');
    expect(spec.Labels).toEqual({ team: 'ml', 'io.swarm-orchestrator.managed': 'true' });
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 2 } });
    expect(spec.TaskTemplate.ContainerSpec).toMatchObject({
      Image: 'mini2:5000/ml/app:2',
      Command: ['/serve'],
      Args: ['--port', '9000'],
      Env: ['B=2', 'A=1'],
      Labels: { tier: 'ml' },
      Healthcheck: { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 10e9, Retries: 2 },
    });
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'bind', Source: '/srv/models', Target: '/models', ReadOnly: true },
      { Type: 'volume', Source: 'cache', Target: '/cache' },
      { Type: 'tmpfs', Target: '/tmp', TmpfsOptions: { SizeBytes: 64 * 1024 ** 2 } },
    ]);
    expect(spec.TaskTemplate.Resources).toEqual({
      Limits: { NanoCPUs: 1.5e9, MemoryBytes: 1024 ** 3 },
      Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: 'NVIDIA-GPU', Value: 1 } }] },
    });
    expect(spec.TaskTemplate.Placement).toEqual({
      Constraints: ['node.labels.gpu == true'],
      Preferences: [{ Spread: { SpreadDescriptor: 'node.hostname' } }],
    });
    expect(spec.TaskTemplate.RestartPolicy).toEqual({ Condition: 'on-failure', MaxAttempts: 3, Delay: 2e9 });
    expect(spec.UpdateConfig).toEqual({ Parallelism: 1, Delay: 5e9, FailureAction: 'rollback', Order: 'start-first' });
    expect(spec.EndpointSpec.Ports).toEqual([
      { Protocol: 'udp', TargetPort: 9000, PublishedPort: 9000, PublishMode: 'ingress' },
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' },
    ]);
  });

  it('hashes the same definition the same way, and a change differently', () => {
    expect(specHash(composeToSwarmSpec(def))).toBe(specHash(composeToSwarmSpec(validateDefinition(JSON.parse(JSON.stringify(def))))));
    expect(specHash(composeToSwarmSpec({ ...def, deploy: { ...def.deploy, replicas: 3 } }))).not.toBe(specHash(composeToSwarmSpec(def)));
  });

  it('reports drift only on fields the definition sets', () => {
    const wanted = composeToSwarmSpec(def) as any;
    const deployed = structuredClone(wanted);
    deployed.TaskTemplate.ForceUpdate = 3; // an Engine default: not drift
    deployed.Mode.Replicated.Replicas = 5;
    expect(specDrift(wanted, deployed)).toEqual([{ path: 'Mode.Replicated.Replicas', definition: 2, deployed: 5 }]);
  });
});

describe('placement checks', () => {
  const node = (hostname: string, architecture: string, labels: Record<string, string> = {}, availability: 'active' | 'drain' = 'active') =>
    ({ id: hostname, hostname, role: 'worker', architecture, labels, availability, engineLabels: {} }) as any;

  it('finds the nodes a service may run on, and their platform', () => {
    const nodes = [
      node('mini2', 'x86_64'),
      node('spark1', 'x86_64', { gpu: 'true', arch: 'aarch64' }),
      node('rog1', 'x86_64', {}, 'drain'),
    ];
    expect(eligibleNodes(nodes, ['node.labels.gpu == true']).map((n) => n.hostname)).toEqual(['spark1']);
    expect(eligibleNodes(nodes, ['node.labels.gpu != true']).map((n) => n.hostname)).toEqual(['mini2']);
    expect(nodes.map(nodeArch)).toEqual(['amd64', 'arm64', 'amd64']);
  });
});
