import type { ServiceSpec } from './service-spec.types';

/*
 * The Engine API's JSON, as far as this library reads it. Private: the
 * mappers turn these into the library's types before anything leaves.
 */

export interface EngineVersion {
  Index?: number;
}

export interface EngineGenericResource {
  NamedResourceSpec?: { Kind: string; Value: string };
  DiscreteResourceSpec?: { Kind: string; Value: number };
}

export interface EngineNode {
  ID: string;
  Version?: EngineVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string>; Name?: string };
  Description?: {
    Hostname?: string;
    Platform?: { OS?: string; Architecture?: string };
    Resources?: { NanoCPUs?: number; MemoryBytes?: number; GenericResources?: EngineGenericResource[] };
    Engine?: { EngineVersion?: string; Labels?: Record<string, string> };
  };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

export interface EnginePort {
  Protocol?: string;
  TargetPort: number;
  PublishedPort?: number;
  PublishMode?: string;
}

export interface EngineService {
  ID: string;
  Version?: EngineVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  Endpoint?: { Ports?: EnginePort[] };
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string; CompletedAt?: string };
}

export interface EngineTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { ContainerSpec?: { Image?: string }; Resources?: { Reservations?: { NanoCPUs?: number; MemoryBytes?: number } } };
  Status?: {
    State?: string;
    Message?: string;
    Err?: string;
    Timestamp?: string;
    ContainerStatus?: { ExitCode?: number; ContainerID?: string };
  };
}

/** What the Engine answers to a create or an update. */
export interface EngineWriteResponse {
  ID?: string;
  id?: string;
  Warnings?: string[] | null;
}
