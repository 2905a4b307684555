/*
 * The library's own types: what callers read and send. Engine JSON stays
 * inside (engine.types.ts); the spec sent to the Engine is in service-spec.types.ts.
 */
import type { ServiceSpec } from './service-spec.types';

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
