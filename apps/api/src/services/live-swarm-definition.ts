import { DomainError } from '@app/common';
import type { ServiceDefinition } from '@app/catalog';
import type { ServiceSpec } from '@app/swarm';
import { MANAGED_LABEL, SPEC_HASH_LABEL } from './compose-to-swarm-spec';
import {
  cpus,
  healthcheckOf,
  isEmpty,
  leaves,
  nanos,
  nonEmpty,
  nonEmptyMap,
  prune,
  updateConfigOf,
  volumeOf,
} from './live-swarm-spec-parts';

type Json = Record<string, unknown>;

/** What a definition cannot say, dropped on import: the Engine's own defaults and fields it leaves empty are not worth a word. */
const IGNORED_PATHS: Record<string, (v: unknown) => boolean> = {
  'TaskTemplate.ContainerSpec.DNSConfig': isEmpty,
  'TaskTemplate.ContainerSpec.Isolation': (v) => v === 'default',
  'TaskTemplate.ForceUpdate': (v) => v === 0,
  'TaskTemplate.Runtime': (v) => v === 'container',
  // the CLI pins the platforms it resolved; our deploy checks the registry's platforms itself
  'TaskTemplate.Placement.Platforms': () => true,
};

/**
 * A live service's spec → the definition that deploys it unchanged: the
 * inverse of composeToSwarmSpec, field by field. `ignored` names each field
 * of the spec a definition cannot carry (it would be lost on the next deploy).
 */
export function swarmSpecToDefinition(
  spec: ServiceSpec,
  networkNames = new Map<string, string>(),
): {
  definition: ServiceDefinition;
  ignored: string[];
} {
  const s = spec as Json;
  const task = (s.TaskTemplate ?? {}) as Json;
  const c = (task.ContainerSpec ?? {}) as Json;
  const known = new Set<string>();
  const take = <T>(path: string, value: T): T => {
    known.add(path);
    return value;
  };
  const mode = s.Mode as Json | undefined;
  if (mode && !('Replicated' in mode) && !('Global' in mode)) {
    throw new DomainError('INVALID', `cannot import: mode ${Object.keys(mode).join(', ')} (a job) has no definition`);
  }
  const image = String(take('TaskTemplate.ContainerSpec.Image', c.Image) ?? '').split('@')[0];
  const deployLabels = Object.fromEntries(
    Object.entries((take('Labels', s.Labels) ?? {}) as Record<string, string>).filter(
      ([k]) => k !== MANAGED_LABEL && k !== SPEC_HASH_LABEL,
    ),
  );
  const placement = (task.Placement ?? {}) as Json;
  const resources = (task.Resources ?? {}) as Json;
  const limits = (resources.Limits ?? {}) as Json;
  const reservations = (resources.Reservations ?? {}) as Json;
  const restart = task.RestartPolicy as Json | undefined;
  const endpoint = (s.EndpointSpec ?? {}) as Json;
  const hc = c.Healthcheck as Json | undefined;
  const env = take('TaskTemplate.ContainerSpec.Env', c.Env) as string[] | undefined;

  const def = prune({
    name: String(take('Name', s.Name)),
    image,
    entrypoint: nonEmpty(take('TaskTemplate.ContainerSpec.Command', c.Command) as string[] | undefined),
    command: nonEmpty(take('TaskTemplate.ContainerSpec.Args', c.Args) as string[] | undefined),
    environment: env?.length ? env.map((e) => (e.includes('=') ? e : `${e}=`)) : undefined,
    ports: nonEmpty(
      (take('EndpointSpec.Ports', endpoint.Ports) as Json[] | undefined)?.map((p) =>
        prune({ target: p.TargetPort, published: p.PublishedPort, protocol: p.Protocol, mode: p.PublishMode }),
      ),
    ),
    volumes: nonEmpty((take('TaskTemplate.ContainerSpec.Mounts', c.Mounts) as Json[] | undefined)?.map(volumeOf)),
    networks: nonEmpty(
      (take('TaskTemplate.Networks', task.Networks) as Json[] | undefined)?.map(
        (n) => networkNames.get(String(n.Target)) ?? String(n.Target),
      ),
    ),
    labels: nonEmptyMap(take('TaskTemplate.ContainerSpec.Labels', c.Labels) as Json | undefined),
    healthcheck: hc ? healthcheckOf(take('TaskTemplate.ContainerSpec.Healthcheck', hc)) : undefined,
    user: take('TaskTemplate.ContainerSpec.User', c.User),
    working_dir: take('TaskTemplate.ContainerSpec.Dir', c.Dir),
    hostname: take('TaskTemplate.ContainerSpec.Hostname', c.Hostname),
    stop_grace_period: nanos(take('TaskTemplate.ContainerSpec.StopGracePeriod', c.StopGracePeriod)),
    stop_signal: take('TaskTemplate.ContainerSpec.StopSignal', c.StopSignal),
    tty: take('TaskTemplate.ContainerSpec.TTY', c.TTY),
    read_only: take('TaskTemplate.ContainerSpec.ReadOnly', c.ReadOnly),
    init: take('TaskTemplate.ContainerSpec.Init', c.Init),
    cap_add: take('TaskTemplate.ContainerSpec.CapabilityAdd', c.CapabilityAdd),
    cap_drop: take('TaskTemplate.ContainerSpec.CapabilityDrop', c.CapabilityDrop),
    deploy: prune({
      mode: mode && 'Global' in take('Mode', mode) ? 'global' : undefined,
      replicas: (mode?.Replicated as Json | undefined)?.Replicas,
      endpoint_mode: take('EndpointSpec.Mode', endpoint.Mode),
      labels: nonEmptyMap(deployLabels),
      placement: nonEmptyMap({
        constraints: nonEmpty(take('TaskTemplate.Placement.Constraints', placement.Constraints) as string[] | undefined),
        preferences: nonEmpty(
          (take('TaskTemplate.Placement.Preferences', placement.Preferences) as Json[] | undefined)?.map((p) => ({
            spread: String((p.Spread as Json | undefined)?.SpreadDescriptor ?? ''),
          })),
        ),
        max_replicas_per_node: take('TaskTemplate.Placement.MaxReplicas', placement.MaxReplicas),
      }),
      resources: nonEmptyMap({
        limits: nonEmptyMap({
          cpus: cpus(take('TaskTemplate.Resources.Limits.NanoCPUs', limits.NanoCPUs)),
          memory: take('TaskTemplate.Resources.Limits.MemoryBytes', limits.MemoryBytes),
          pids: take('TaskTemplate.Resources.Limits.Pids', limits.Pids) || undefined,
        }),
        reservations: nonEmptyMap({
          cpus: cpus(take('TaskTemplate.Resources.Reservations.NanoCPUs', reservations.NanoCPUs)),
          memory: take('TaskTemplate.Resources.Reservations.MemoryBytes', reservations.MemoryBytes),
          generic_resources: nonEmpty(
            (take('TaskTemplate.Resources.Reservations.GenericResources', reservations.GenericResources) as Json[] | undefined)?.map(
              (g) => {
                const d = g.DiscreteResourceSpec as Json | undefined;
                if (!d) throw new DomainError('INVALID', 'cannot import: a named generic resource has no definition (only discrete ones)');
                return { discrete_resource_spec: { kind: String(d.Kind), value: Number(d.Value) } };
              },
            ),
          ),
        }),
      }),
      restart_policy: restart
        ? prune({
            condition: take('TaskTemplate.RestartPolicy.Condition', restart.Condition),
            delay: nanos(take('TaskTemplate.RestartPolicy.Delay', restart.Delay)),
            max_attempts: take('TaskTemplate.RestartPolicy.MaxAttempts', restart.MaxAttempts),
            window: nanos(take('TaskTemplate.RestartPolicy.Window', restart.Window)),
          })
        : undefined,
      update_config: updateConfigOf(take('UpdateConfig', s.UpdateConfig) as Json | undefined),
      rollback_config: updateConfigOf(take('RollbackConfig', s.RollbackConfig) as Json | undefined),
    }),
  }) as ServiceDefinition;
  const ignored = leaves(s)
    .filter(([path]) => ![...known].some((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`)))
    .filter(
      ([path, value]) =>
        !Object.entries(IGNORED_PATHS).some(
          ([p, quiet]) => (path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`)) && quiet(value),
        ),
    )
    .filter(([path]) => !/^TaskTemplate\.Resources\.(Limits|Reservations)$/.test(path))
    .map(([path]) => path);
  return { definition: def, ignored: [...new Set(ignored.map((p) => p.replace(/\[\d+\].*$/, '')))] };
}
