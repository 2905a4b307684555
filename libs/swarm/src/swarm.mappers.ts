import type { EngineGenericResource, EngineNode, EngineService, EngineTask } from './engine.types';
import type {
  GenericResource,
  LiveService,
  NodeSummary,
  PublishedPort,
  ReplicaState,
  ServiceState,
  ServiceUpdateStatus,
  TaskSummary,
} from './swarm.types';

/* Pure mappings from Engine API objects (as JSON) to the library's types. */

export function toNodeSummary(n: EngineNode): NodeSummary {
  const desc = n.Description ?? {};
  const res = desc.Resources ?? {};
  return {
    id: n.ID,
    hostname: desc.Hostname ?? n.ID,
    role: n.Spec?.Role === 'manager' ? 'manager' : 'worker',
    leader: Boolean(n.ManagerStatus?.Leader),
    managerReachability: n.ManagerStatus?.Reachability,
    availability: toAvailability(n.Spec?.Availability),
    state: n.Status?.State ?? 'unknown',
    // a manager reports 0.0.0.0 as its status address; its manager address is the real one
    address: n.Status?.Addr && n.Status.Addr !== '0.0.0.0' ? n.Status.Addr : n.ManagerStatus?.Addr?.replace(/:\d+$/, ''),
    engineVersion: desc.Engine?.EngineVersion,
    os: desc.Platform?.OS,
    architecture: desc.Platform?.Architecture,
    cpus: res.NanoCPUs ? res.NanoCPUs / 1e9 : 0,
    memoryBytes: res.MemoryBytes ?? 0,
    genericResources: toGenericResources(res.GenericResources),
    labels: n.Spec?.Labels ?? {},
    engineLabels: desc.Engine?.Labels ?? {},
    version: n.Version?.Index ?? 0,
    createdAt: n.CreatedAt,
    updatedAt: n.UpdatedAt,
  };
}

function toAvailability(value: string | undefined): NodeSummary['availability'] {
  return value === 'pause' || value === 'drain' ? value : 'active';
}

export function toGenericResources(list: EngineGenericResource[] | undefined): GenericResource[] {
  return (list ?? []).map((r) =>
    r.NamedResourceSpec
      ? { kind: r.NamedResourceSpec.Kind, value: r.NamedResourceSpec.Value }
      : { kind: r.DiscreteResourceSpec?.Kind ?? '', value: r.DiscreteResourceSpec?.Value ?? 0 },
  );
}

export function toPorts(s: EngineService): PublishedPort[] {
  const ports = s.Endpoint?.Ports ?? s.Spec?.EndpointSpec?.Ports ?? [];
  return ports.map((p) => ({
    published: p.PublishedPort,
    target: p.TargetPort ?? 0,
    protocol: p.Protocol ?? 'tcp',
    mode: p.PublishMode === 'host' ? 'host' : 'ingress',
  }));
}

/** A task counts as running like `docker service ls` counts it: desired running and running. */
export function isRunningTask(t: EngineTask): boolean {
  return t.Status?.State === 'running' && t.DesiredState === 'running';
}

/**
 * Builds the live view of every service from one list of services and one
 * list of tasks (and the nodes, for global services' desired count).
 */
export function toLiveServices(services: EngineService[], tasks: EngineTask[], nodes: EngineNode[]): LiveService[] {
  const running = new Map<string, number>();
  const globalDesired = new Map<string, number>();
  for (const t of tasks) {
    if (isRunningTask(t)) running.set(t.ServiceID, (running.get(t.ServiceID) ?? 0) + 1);
    if (t.DesiredState === 'running') globalDesired.set(t.ServiceID, (globalDesired.get(t.ServiceID) ?? 0) + 1);
  }
  const eligible = nodes.filter((n) => n.Status?.State === 'ready' && n.Spec?.Availability === 'active').length;
  return services
    .map((s) => {
      const spec = s.Spec ?? {};
      const global = spec.Mode?.Global !== undefined;
      const [image, digest] = String(spec.TaskTemplate?.ContainerSpec?.Image ?? '').split('@');
      return {
        id: s.ID,
        name: spec.Name ?? s.ID,
        image,
        imageDigest: digest,
        mode: global ? 'global' : 'replicated',
        // a global service wants one task per eligible node; constraints may narrow it, which its tasks show
        replicasDesired: global ? Math.min(globalDesired.get(s.ID) ?? eligible, eligible) : (spec.Mode?.Replicated?.Replicas ?? 0),
        replicasRunning: running.get(s.ID) ?? 0,
        ports: toPorts(s),
        stack: spec.Labels?.['com.docker.stack.namespace'],
        labels: spec.Labels ?? {},
        updateStatus: toUpdateStatus(s),
        createdAt: s.CreatedAt,
        updatedAt: s.UpdatedAt,
        version: s.Version?.Index ?? 0,
        spec,
      } satisfies LiveService;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function toUpdateStatus(s: EngineService): ServiceUpdateStatus | undefined {
  const u = s.UpdateStatus;
  return u ? { state: u.State ?? 'unknown', message: u.Message, startedAt: u.StartedAt, completedAt: u.CompletedAt } : undefined;
}

export function toServiceState(s: EngineService): ServiceState {
  const spec = s.Spec ?? {};
  return {
    id: s.ID,
    name: spec.Name ?? s.ID,
    version: s.Version?.Index ?? 0,
    spec,
    previousSpec: s.PreviousSpec,
    image: spec.TaskTemplate?.ContainerSpec?.Image ?? '',
    labels: spec.Labels ?? {},
    mode: spec.Mode?.Global !== undefined ? 'global' : 'replicated',
    replicas: spec.Mode?.Replicated?.Replicas,
    updateStatus: toUpdateStatus(s),
    createdAt: s.CreatedAt,
    updatedAt: s.UpdatedAt,
  };
}

export function toTaskSummary(t: EngineTask, hostnames: Map<string, string>, serviceName?: string): TaskSummary {
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    serviceName,
    slot: t.Slot,
    nodeId: t.NodeID,
    nodeHostname: t.NodeID ? hostnames.get(t.NodeID) : undefined,
    desiredState: t.DesiredState,
    state: t.Status?.State ?? 'unknown',
    message: t.Status?.Message,
    error: t.Status?.Err,
    exitCode: t.Status?.ContainerStatus?.ExitCode,
    containerId: t.Status?.ContainerStatus?.ContainerID,
    image: t.Spec?.ContainerSpec?.Image,
    createdAt: t.CreatedAt,
    updatedAt: t.UpdatedAt,
    timestamp: t.Status?.Timestamp,
  };
}

/** A task as a convergence report shows it: where it runs and how far it got. */
export function toReplicaState(t: TaskSummary): ReplicaState {
  return {
    slot: t.slot,
    nodeId: t.nodeId,
    nodeHostname: t.nodeHostname,
    taskId: t.id,
    state: t.state,
    desiredState: t.desiredState,
    error: t.error,
  };
}

/** Newest first within a slot, slots in order: how `docker service ps` reads. */
export function sortTasks(tasks: TaskSummary[]): TaskSummary[] {
  return [...tasks].sort(
    (a, b) =>
      (a.slot ?? 0) - (b.slot ?? 0) ||
      (a.nodeHostname ?? '').localeCompare(b.nodeHostname ?? '') ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  );
}
