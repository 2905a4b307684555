import type { ConvergenceProgress, ConvergenceResult, LogLine, TaskSummary } from '../swarm.types';
import type { ServiceSpec } from '../service-spec.types';

/** The label `docker stack` puts on every object of a stack, and lists stacks by. */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';
/** The image as written in the compose file, on the service (the spec's image may be pinned to a digest). */
export const STACK_IMAGE_LABEL = 'com.docker.stack.image';

export interface StackNetworkPlan {
  /** The network's key in the compose file (`default` for the implicit one). */
  key: string;
  name: string;
  driver: string;
  options?: Record<string, string>;
  labels: Record<string, string>;
  internal: boolean;
  attachable: boolean;
  ipam?: { Driver?: string; Config: { Subnet?: string }[] };
}

export interface StackObjectPlan {
  key: string;
  /** `<stack>_<key>-<content hash>`, or the file's own `name:`. */
  name: string;
  kind: 'configs' | 'secrets';
  data: Buffer;
  labels: Record<string, string>;
  templating?: { Name: string };
  driver?: { Name: string; Options?: Record<string, string> };
}

export interface StackServicePlan {
  /** The service's key in the compose file. */
  key: string;
  /** `<stack>_<key>`. */
  name: string;
  spec: ServiceSpec;
}

/** What a compose project becomes on the swarm, before anything is created. */
export interface StackPlan {
  stack: string;
  networks: StackNetworkPlan[];
  /** `external: true` networks: they must exist, swarm-scoped. */
  externalNetworks: { key: string; name: string }[];
  configs: StackObjectPlan[];
  secrets: StackObjectPlan[];
  services: StackServicePlan[];
}

export interface StackSummary {
  name: string;
  services: number;
}

export interface StackServiceSummary {
  /** The compose key (`web`), and the swarm name (`shop_web`). */
  key: string;
  name: string;
  id: string;
  image: string;
  /** The digest the deploy pinned (`image@digest`), when it did. */
  imageDigest?: string;
  mode: 'replicated' | 'global' | 'replicated-job' | 'global-job';
  replicasDesired: number;
  replicasRunning: number;
}

export interface StackTask extends TaskSummary {
  /** The compose key of the task's service. */
  service: string;
}

export type StackDeployEvent =
  | { kind: 'network' | 'config' | 'secret'; name: string; action: 'created' | 'exists' }
  | { kind: 'service'; name: string; action: 'created' | 'updated' | 'removed'; warnings: string[] }
  | { kind: 'progress'; progress: ConvergenceProgress }
  | { kind: 'converged'; result: ConvergenceResult }
  | { kind: 'cleanup'; name: string; objectKind: 'config' | 'secret' };

export interface StackDeployOptions {
  /** Remove the stack's services that are not in the file (`docker stack deploy --prune`). */
  prune?: boolean;
  /** Wait for every service to converge, then remove unused config/secret versions. Default true. */
  wait?: boolean;
  timeoutMs?: number;
  /** Pins an image (e.g. to its digest) before it goes into the spec; the stack image label keeps the file's text. */
  resolveImage?: (image: string) => Promise<string>;
  registryAuth?: { username: string; password: string; serveraddress: string };
  onEvent?: (e: StackDeployEvent) => void;
}

export interface StackDeployResult {
  stack: string;
  services: { key: string; name: string; action: 'created' | 'updated'; warnings: string[] }[];
  removedServices: string[];
  createdNetworks: string[];
  createdConfigs: string[];
  createdSecrets: string[];
  removedObjects: string[];
  /** Present when waited for: one result per service, and the stack's outcome (the worst). */
  convergence?: { outcome: ConvergenceResult['outcome']; services: ConvergenceResult[] };
  elapsedMs: number;
}

export interface StackLogLine extends LogLine {
  /** The compose key of the service the line came from. */
  service: string;
}

export interface StackLogOptions {
  tail?: number;
  since?: string | number;
  follow?: boolean;
  timestamps?: boolean;
  /** Keeps lines whose text contains this (case-insensitive). */
  filter?: string;
  signal?: AbortSignal;
}

export interface SpecDifference {
  /** A dotted path in the service spec, e.g. `TaskTemplate.ContainerSpec.Env`. */
  path: string;
  wanted: unknown;
  deployed: unknown;
}

type TaskTemplateOf = {
  ContainerSpec?: NonNullable<Extract<NonNullable<ServiceSpec['TaskTemplate']>, { ContainerSpec?: unknown }>['ContainerSpec']>;
  ForceUpdate?: number;
};

/** A service spec's container spec (the Engine's TaskTemplate also describes plugins, which have none). */
export const containerSpecOf = (spec: ServiceSpec | undefined): TaskTemplateOf['ContainerSpec'] | undefined =>
  (spec?.TaskTemplate as TaskTemplateOf | undefined)?.ContainerSpec;
export const taskTemplateOf = (spec: ServiceSpec | undefined): TaskTemplateOf | undefined =>
  spec?.TaskTemplate as TaskTemplateOf | undefined;
