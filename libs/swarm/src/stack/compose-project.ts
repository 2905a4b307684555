/*
 * A compose file as the catalog hands it over: interpolated, validated against
 * the Compose Specification's schema, the keys Swarm ignores removed, each
 * service's `env_file` merged into `environment`, and every config or secret
 * read from `file:` or `environment:` carrying its `content`. Keys and shapes
 * are the specification's own (short and long syntaxes both allowed), so this
 * type is structurally the catalog's; the libraries never import each other.
 */

export type ComposeScalar = string | number | boolean;
/** `KEY=value` list or `{ KEY: value }` map; a null value means "no value" (e.g. `- DEBUG`). */
export type ComposeListOrMap = string[] | Record<string, ComposeScalar | null>;
/** A Go duration string (`1m30s`) or a number of seconds. */
export type ComposeDuration = string | number;

export interface ComposeHealthcheck {
  test?: string | string[];
  interval?: ComposeDuration;
  timeout?: ComposeDuration;
  start_period?: ComposeDuration;
  start_interval?: ComposeDuration;
  retries?: number;
  disable?: boolean;
}

export interface ComposePort {
  target: number | string;
  published?: number | string;
  protocol?: string;
  mode?: string;
  host_ip?: string;
  name?: string;
}

export interface ComposeServiceVolume {
  type?: string;
  source?: string;
  target?: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number | string; mode?: number };
}

export interface ComposeFileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number | string;
}

export interface ComposeServiceNetwork {
  aliases?: string[];
  driver_opts?: Record<string, string | number>;
  ipv4_address?: string;
  ipv6_address?: string;
}

export interface ComposeUpdateConfig {
  parallelism?: number;
  delay?: ComposeDuration;
  failure_action?: string;
  monitor?: ComposeDuration;
  max_failure_ratio?: number;
  order?: string;
}

export interface ComposeDeploy {
  mode?: string;
  replicas?: number;
  endpoint_mode?: string;
  labels?: ComposeListOrMap;
  resources?: {
    limits?: { cpus?: string | number; memory?: string | number; pids?: number };
    reservations?: {
      cpus?: string | number;
      memory?: string | number;
      generic_resources?: { discrete_resource_spec?: { kind: string; value: number } }[];
      devices?: unknown[];
    };
  };
  restart_policy?: { condition?: string; delay?: ComposeDuration; max_attempts?: number; window?: ComposeDuration };
  update_config?: ComposeUpdateConfig;
  rollback_config?: ComposeUpdateConfig;
  placement?: {
    constraints?: string[];
    preferences?: { spread: string }[];
    max_replicas_per_node?: number;
  };
}

export interface ComposeService {
  image?: string;
  command?: string | string[] | null;
  entrypoint?: string | string[] | null;
  environment?: ComposeListOrMap;
  labels?: ComposeListOrMap;
  hostname?: string;
  user?: string;
  working_dir?: string;
  stop_grace_period?: ComposeDuration;
  stop_signal?: string;
  tty?: boolean;
  stdin_open?: boolean;
  read_only?: boolean;
  init?: boolean;
  isolation?: string;
  cap_add?: string[];
  cap_drop?: string[];
  dns?: string | string[];
  dns_search?: string | string[];
  extra_hosts?: ComposeListOrMap;
  sysctls?: ComposeListOrMap;
  ulimits?: Record<string, number | string | { soft: number | string; hard: number | string }>;
  oom_score_adj?: number;
  logging?: { driver?: string; options?: Record<string, string | number | null> };
  healthcheck?: ComposeHealthcheck;
  ports?: (string | number | ComposePort)[];
  networks?: string[] | Record<string, ComposeServiceNetwork | null>;
  volumes?: (string | ComposeServiceVolume)[];
  configs?: (string | ComposeFileReference)[];
  secrets?: (string | ComposeFileReference)[];
  /** Swarm's `restart:` fallback when `deploy.restart_policy` is absent (`always`, `on-failure[:n]`, …). */
  restart?: string;
  deploy?: ComposeDeploy;
}

export interface ComposeNetwork {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string | number>;
  attachable?: boolean;
  internal?: boolean;
  labels?: ComposeListOrMap;
  ipam?: { driver?: string; config?: { subnet?: string }[] };
  external?: boolean | { name?: string };
}

export interface ComposeVolume {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string | number>;
  labels?: ComposeListOrMap;
  external?: boolean | { name?: string };
}

export interface ComposeFileObject {
  name?: string;
  /** The bytes read from `file:` or `environment:` by the catalog. */
  content?: Buffer;
  /** Left by a catalog that did not read it (an error here: nothing to create). */
  file?: string;
  environment?: string;
  external?: boolean | { name?: string };
  labels?: ComposeListOrMap;
  driver?: string;
  driver_opts?: Record<string, string | number>;
  template_driver?: string;
}

export interface ComposeProject {
  services: Record<string, ComposeService>;
  networks?: Record<string, ComposeNetwork | null>;
  volumes?: Record<string, ComposeVolume | null>;
  configs?: Record<string, ComposeFileObject>;
  secrets?: Record<string, ComposeFileObject>;
}
