/*
 * The library's own types: what callers read and send. Engine JSON stays
 * inside (engine.types.ts); a ServiceSpec uses the Engine API's field names
 * because it is sent as is, but it is declared here, not borrowed from dockerode.
 */

/** Durations in a spec are nanoseconds, as the Engine API counts them. */
export type Nanoseconds = number;

export interface ServiceSpecMount {
  Type?: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    Subpath?: string;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface ServiceSpecContainer {
  Image?: string;
  Command?: string[];
  Args?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  Mounts?: ServiceSpecMount[];
  Healthcheck?: {
    Test?: string[];
    Interval?: Nanoseconds;
    Timeout?: Nanoseconds;
    Retries?: number;
    StartPeriod?: Nanoseconds;
    StartInterval?: Nanoseconds;
  };
  User?: string;
  Dir?: string;
  Hostname?: string;
  StopGracePeriod?: Nanoseconds;
  StopSignal?: string;
  TTY?: boolean;
  ReadOnly?: boolean;
  Init?: boolean;
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
  OpenStdin?: boolean;
  Groups?: string[];
  Isolation?: string;
  Hosts?: string[];
  DNSConfig?: { Nameservers?: string[]; Search?: string[]; Options?: string[] };
  Privileges?: Record<string, unknown> | null;
  Sysctls?: Record<string, string>;
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  Configs?: ServiceSpecFileReference[];
  Secrets?: ServiceSpecFileReference[];
}

/** A config or secret mounted into a task (`File`), by id and name. */
export interface ServiceSpecFileReference {
  File?: { Name: string; UID?: string; GID?: string; Mode?: number };
  Runtime?: Record<string, never>;
  ConfigID?: string;
  ConfigName?: string;
  SecretID?: string;
  SecretName?: string;
}

export interface ServiceSpecResources {
  NanoCPUs?: number;
  MemoryBytes?: number;
  Pids?: number;
  GenericResources?: Array<{ DiscreteResourceSpec?: { Kind: string; Value: number }; NamedResourceSpec?: { Kind: string; Value: string } }>;
}

export interface ServiceSpecUpdateConfig {
  Parallelism?: number;
  Delay?: Nanoseconds;
  FailureAction?: string;
  Monitor?: Nanoseconds;
  MaxFailureRatio?: number;
  Order?: string;
}

export interface ServiceSpecPort {
  Name?: string;
  Protocol?: 'tcp' | 'udp' | 'sctp';
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: 'ingress' | 'host';
}

export interface ServiceSpec {
  Name?: string;
  Labels?: Record<string, string>;
  TaskTemplate?: {
    ContainerSpec?: ServiceSpecContainer;
    Resources?: { Limits?: ServiceSpecResources; Reservations?: ServiceSpecResources };
    RestartPolicy?: { Condition?: string; Delay?: Nanoseconds; MaxAttempts?: number; Window?: Nanoseconds };
    Placement?: {
      Constraints?: string[];
      Preferences?: Array<{ Spread: { SpreadDescriptor: string } }>;
      MaxReplicas?: number;
      Platforms?: Array<{ Architecture?: string; OS?: string }>;
    };
    Networks?: Array<{ Target: string; Aliases?: string[]; DriverOpts?: Record<string, string> }>;
    LogDriver?: { Name: string; Options?: Record<string, string> };
    Runtime?: string;
    /** Bumped to restart every task without another change (`docker service update --force`). */
    ForceUpdate?: number;
  };
  Mode?: {
    Replicated?: { Replicas?: number };
    Global?: Record<string, never>;
    ReplicatedJob?: { MaxConcurrent?: number; TotalCompletions?: number };
    GlobalJob?: Record<string, never>;
  };
  UpdateConfig?: ServiceSpecUpdateConfig;
  RollbackConfig?: ServiceSpecUpdateConfig;
  EndpointSpec?: { Mode?: 'vip' | 'dnsrr'; Ports?: ServiceSpecPort[] };
}

export interface ServiceUpdateStatus {
  state: string;
  message?: string;
  startedAt?: string;
  completedAt?: string;
}

/** One service as the swarm holds it: what `docker service inspect` shows, in the library's words. */
export interface ServiceState {
  id: string;
  name: string;
  /** The version index an update must carry. */
  version: number;
  spec: ServiceSpec;
  /** The spec before the last update: what a rollback returns to. */
  previousSpec?: ServiceSpec;
  /** The image reference the spec runs, digest included when pinned. */
  image: string;
  labels: Record<string, string>;
  mode: 'replicated' | 'global';
  /** Desired replicas of a replicated service. */
  replicas?: number;
  updateStatus?: ServiceUpdateStatus;
  createdAt?: string;
  updatedAt?: string;
}

export interface GenericResource {
  kind: string;
  /** A named resource's id (e.g. a GPU UUID) or a discrete count. */
  value: string | number;
}

export interface NodeSummary {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  leader: boolean;
  managerReachability?: string;
  availability: 'active' | 'pause' | 'drain';
  state: string;
  address?: string;
  engineVersion?: string;
  os?: string;
  architecture?: string;
  cpus: number;
  memoryBytes: number;
  genericResources: GenericResource[];
  labels: Record<string, string>;
  engineLabels: Record<string, string>;
  version: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface PublishedPort {
  published?: number;
  target: number;
  protocol: string;
  mode: 'ingress' | 'host';
}

export interface LiveService {
  id: string;
  name: string;
  image: string;
  imageDigest?: string;
  mode: 'replicated' | 'global';
  replicasDesired: number;
  replicasRunning: number;
  ports: PublishedPort[];
  stack?: string;
  labels: Record<string, string>;
  updateStatus?: ServiceUpdateStatus;
  createdAt?: string;
  updatedAt?: string;
  version: number;
  /** The deployed spec, from the same list call: drift for every service without an inspect each. */
  spec?: ServiceSpec;
}

export interface TaskSummary {
  id: string;
  serviceId: string;
  serviceName?: string;
  slot?: number;
  nodeId?: string;
  nodeHostname?: string;
  desiredState: string;
  state: string;
  message?: string;
  error?: string;
  exitCode?: number;
  containerId?: string;
  image?: string;
  createdAt?: string;
  updatedAt?: string;
  timestamp?: string;
}

export interface LogLine {
  timestamp?: string;
  stream: 'stdout' | 'stderr';
  taskId?: string;
  taskSlot?: number;
  nodeId?: string;
  nodeHostname?: string;
  message: string;
}

export interface LogOptions {
  tail?: number;
  /** Unix seconds or an RFC 3339 time, as `docker service logs --since`. */
  since?: string | number;
  timestamps?: boolean;
  follow?: boolean;
  signal?: AbortSignal;
}

export interface ReplicaState {
  slot?: number;
  nodeId?: string;
  nodeHostname?: string;
  taskId: string;
  state: string;
  desiredState: string;
  error?: string;
}

export interface ConvergenceProgress {
  service: string;
  desired: number;
  running: number;
  replicas: ReplicaState[];
}

export interface ConvergenceResult extends ConvergenceProgress {
  outcome: 'converged' | 'failed' | 'timeout';
  message: string;
  elapsedMs: number;
}

export type SwarmEventKind = 'node' | 'service' | 'task' | 'container';

export interface SwarmEvent {
  kind: SwarmEventKind;
  action: string;
  id: string;
  name?: string;
  attributes: Record<string, string>;
  time: number;
}
