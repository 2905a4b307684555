import { createHash } from 'node:crypto';
import { parseShortPort, type ServiceDefinition } from '@app/catalog';
import type { ServiceSpec } from '@app/swarm';
import { cpusToNano, durationToNanos, mapOrListToRecord, shellSplit, sizeToBytes } from './compose-units';

/** Labels the app puts on every service it deploys. */
export const MANAGED_LABEL = 'io.swarm-orchestrator.managed';
export const SPEC_HASH_LABEL = 'io.swarm-orchestrator.spec-hash';

type Json = Record<string, unknown>;

const command = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : shellSplit(v));

function updateConfig(c: NonNullable<NonNullable<ServiceDefinition['deploy']>['update_config']> | undefined): Json | undefined {
  if (!c) return undefined;
  return prune({
    Parallelism: c.parallelism,
    Delay: c.delay !== undefined ? durationToNanos(c.delay) : undefined,
    FailureAction: c.failure_action,
    Monitor: c.monitor !== undefined ? durationToNanos(c.monitor) : undefined,
    MaxFailureRatio: c.max_failure_ratio,
    Order: c.order,
  });
}

function mounts(volumes: ServiceDefinition['volumes']): Json[] | undefined {
  if (!volumes?.length) return undefined;
  return volumes.map((v) => {
    if (typeof v === 'string') {
      // SOURCE:TARGET[:ro|rw] — a source starting with / or . is a bind mount, else a named volume
      const parts = v.split(':');
      if (parts.length === 1) return { Type: 'volume', Target: parts[0] };
      const [source, target, mode] = parts;
      const bind = source.startsWith('/') || source.startsWith('.');
      return prune({ Type: bind ? 'bind' : 'volume', Source: source, Target: target, ReadOnly: mode === 'ro' ? true : undefined });
    }
    return prune({
      Type: v.type,
      Source: v.source,
      Target: v.target,
      ReadOnly: v.read_only,
      BindOptions: v.bind?.propagation ? { Propagation: v.bind.propagation } : undefined,
      VolumeOptions: v.volume?.nocopy !== undefined ? { NoCopy: v.volume.nocopy } : undefined,
      TmpfsOptions: v.tmpfs
        ? prune({ SizeBytes: v.tmpfs.size !== undefined ? sizeToBytes(v.tmpfs.size) : undefined, Mode: v.tmpfs.mode })
        : undefined,
    });
  });
}

function healthcheck(h: ServiceDefinition['healthcheck']): Json | undefined {
  if (!h) return undefined;
  if (h.disable) return { Test: ['NONE'] };
  const test = h.test === undefined ? undefined : typeof h.test === 'string' ? ['CMD-SHELL', h.test] : h.test;
  return prune({
    Test: test,
    Interval: h.interval ? durationToNanos(h.interval) : undefined,
    Timeout: h.timeout ? durationToNanos(h.timeout) : undefined,
    Retries: h.retries,
    StartPeriod: h.start_period ? durationToNanos(h.start_period) : undefined,
  });
}

export function ports(def: ServiceDefinition): Json[] {
  return (def.ports ?? []).map((p) => {
    if (typeof p === 'object') {
      return prune({
        Protocol: p.protocol ?? 'tcp',
        TargetPort: p.target,
        PublishedPort: p.published !== undefined ? Number(p.published) : undefined,
        PublishMode: p.mode ?? 'ingress',
      });
    }
    const s = parseShortPort(p);
    return prune({ Protocol: s.protocol, TargetPort: s.target, PublishedPort: s.published, PublishMode: 'ingress' });
  });
}

/**
 * A definition in the Compose vocabulary → the Swarm ServiceSpec that
 * `docker stack deploy` would send for it. Pure: the same definition always
 * gives the same spec, so its hash tells a changed definition from an unchanged one.
 */
export function composeToSwarmSpec(def: ServiceDefinition, image = def.image): ServiceSpec {
  const d = def.deploy ?? {};
  const env = mapOrListToRecord(def.environment);
  const networks = Array.isArray(def.networks)
    ? def.networks.map((n) => ({ Target: n }))
    : Object.entries(def.networks ?? {}).map(([n, cfg]) => prune({ Target: n, Aliases: cfg?.aliases }));
  const reservations = d.resources?.reservations;
  const limits = d.resources?.limits;
  const spec: Json = {
    Name: def.name,
    Labels: { ...mapOrListToRecord(d.labels), [MANAGED_LABEL]: 'true' },
    TaskTemplate: prune({
      ContainerSpec: prune({
        Image: image,
        Command: command(def.entrypoint),
        Args: command(def.command),
        Env: Object.keys(env).length ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : undefined,
        Labels: def.labels ? mapOrListToRecord(def.labels) : undefined,
        Mounts: mounts(def.volumes),
        Healthcheck: healthcheck(def.healthcheck),
        User: def.user,
        Dir: def.working_dir,
        Hostname: def.hostname,
        StopGracePeriod: def.stop_grace_period ? durationToNanos(def.stop_grace_period) : undefined,
        StopSignal: def.stop_signal,
        TTY: def.tty,
        ReadOnly: def.read_only,
        Init: def.init,
        CapabilityAdd: def.cap_add,
        CapabilityDrop: def.cap_drop,
      }),
      Resources:
        limits || reservations
          ? prune({
              Limits: limits
                ? prune({
                    NanoCPUs: limits.cpus !== undefined ? cpusToNano(limits.cpus) : undefined,
                    MemoryBytes: limits.memory !== undefined ? sizeToBytes(limits.memory) : undefined,
                    Pids: limits.pids,
                  })
                : undefined,
              Reservations: reservations
                ? prune({
                    NanoCPUs: reservations.cpus !== undefined ? cpusToNano(reservations.cpus) : undefined,
                    MemoryBytes: reservations.memory !== undefined ? sizeToBytes(reservations.memory) : undefined,
                    GenericResources: reservations.generic_resources?.map((g) => ({
                      DiscreteResourceSpec: { Kind: g.discrete_resource_spec.kind, Value: g.discrete_resource_spec.value },
                    })),
                  })
                : undefined,
            })
          : undefined,
      RestartPolicy: d.restart_policy
        ? prune({
            Condition: d.restart_policy.condition,
            Delay: d.restart_policy.delay ? durationToNanos(d.restart_policy.delay) : undefined,
            MaxAttempts: d.restart_policy.max_attempts,
            Window: d.restart_policy.window ? durationToNanos(d.restart_policy.window) : undefined,
          })
        : undefined,
      Placement: d.placement
        ? prune({
            Constraints: d.placement.constraints,
            Preferences: d.placement.preferences?.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })),
            MaxReplicas: d.placement.max_replicas_per_node,
          })
        : undefined,
      Networks: networks.length ? networks : undefined,
    }),
    Mode: d.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: d.replicas ?? 1 } },
    UpdateConfig: updateConfig(d.update_config),
    RollbackConfig: updateConfig(d.rollback_config),
    EndpointSpec:
      def.ports?.length || d.endpoint_mode
        ? prune({ Mode: d.endpoint_mode, Ports: def.ports?.length ? ports(def) : undefined })
        : undefined,
  };
  return prune(spec) as ServiceSpec;
}

/** A stable hash of a spec (keys sorted), ignoring our own hash label. */
export function specHash(spec: ServiceSpec): string {
  const copy = structuredClone(spec);
  if (copy.Labels) delete copy.Labels[SPEC_HASH_LABEL];
  return createHash('sha256').update(stableStringify(copy)).digest('hex').slice(0, 32);
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Json)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Drops undefined fields so specs compare and hash the same whatever was left out. */
function prune<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
