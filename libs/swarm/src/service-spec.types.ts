/*
 * A service's spec as the library sends it to the Engine: the Engine API's
 * field names, because it goes as is, but declared here, not borrowed from dockerode.
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
