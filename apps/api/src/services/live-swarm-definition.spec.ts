import { validateDefinition } from '@app/catalog';
import type { ServiceSpec } from '@app/swarm';
import { composeToSwarmSpec } from './compose-to-swarm-spec';
import { swarmSpecToDefinition } from './live-swarm-definition';
import { nanosToDuration } from './live-swarm-spec-parts';
import { specDrift } from './spec-drift';

/** Roughly what `docker service create` sends, with the Engine's defaults filled in. */
const CLI_SPEC = {
  Name: 'web',
  Labels: { team: 'ops' },
  TaskTemplate: {
    ContainerSpec: {
      Image: 'r:5000/web:1@sha256:abc',
      Args: ['sh', '-c', 'sleep 1d'],
      Env: ['A=1', 'B=two words'],
      Mounts: [{ Type: 'volume', Source: 'data', Target: '/data', ReadOnly: true }],
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 30e9, Retries: 3 },
      Init: false,
      StopGracePeriod: 90e9,
      DNSConfig: {},
      Isolation: 'default',
    },
    Resources: { Limits: { MemoryBytes: 536870912, NanoCPUs: 500000000 }, Reservations: {} },
    RestartPolicy: { Condition: 'any', Delay: 5e9, MaxAttempts: 0 },
    Placement: { Constraints: ['node.role==worker'], Platforms: [{ Architecture: 'amd64', OS: 'linux' }] },
    Networks: [{ Target: 'n1id', Aliases: ['x'] }],
    ForceUpdate: 0,
    Runtime: 'container',
  },
  Mode: { Replicated: { Replicas: 3 } },
  UpdateConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' },
  EndpointSpec: { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }] },
} as unknown as ServiceSpec;

describe('swarmSpecToDefinition', () => {
  it('gives a valid definition whose spec is the live one, field by field (the Engine defaults and pinned platforms aside)', () => {
    const { definition, ignored } = swarmSpecToDefinition(CLI_SPEC, new Map([['n1id', 'backend']]));
    expect(() => validateDefinition(definition)).not.toThrow();
    expect(definition).toMatchObject({ image: 'r:5000/web:1', networks: ['backend'], deploy: { replicas: 3, labels: { team: 'ops' } } });
    expect(ignored).toEqual([]);
    const back = composeToSwarmSpec(definition, 'r:5000/web:1@sha256:abc');
    const live = { ...CLI_SPEC, TaskTemplate: { ...CLI_SPEC.TaskTemplate, Networks: [{ Target: 'backend', Aliases: ['x'] }] } };
    // our managed label is the only difference: an import puts it on the service
    expect(specDrift(back, live).map((d) => d.path)).toEqual(['Labels.io.swarm-orchestrator.managed']);
  });

  it('names what a definition cannot carry, and refuses what it cannot express at all', () => {
    const withSecrets = structuredClone(CLI_SPEC) as unknown as { TaskTemplate: { ContainerSpec: Record<string, unknown> } };
    withSecrets.TaskTemplate.ContainerSpec.Secrets = [{ SecretName: 's', File: { Name: 's' } }];
    withSecrets.TaskTemplate.ContainerSpec.Hosts = ['1.2.3.4 db'];
    expect(swarmSpecToDefinition(withSecrets as unknown as ServiceSpec).ignored).toEqual([
      'TaskTemplate.ContainerSpec.Secrets',
      'TaskTemplate.ContainerSpec.Hosts',
    ]);
    expect(() => swarmSpecToDefinition({ ...CLI_SPEC, Mode: { ReplicatedJob: {} } } as unknown as ServiceSpec)).toThrow(/job/);
  });

  it('writes durations Compose reads back to the same nanoseconds', () => {
    expect(nanosToDuration(90e9)).toBe('1m30s');
    expect(nanosToDuration(1_500_000)).toBe('1ms500us');
    expect(nanosToDuration(0)).toBe('0s');
  });
});
