import { createHash } from 'node:crypto';
import { DomainError } from '@app/common';
import type { ServiceSpec } from '../swarm.types';
import type { ComposeFileObject, ComposeProject, ComposeService, ComposeUpdateConfig } from './compose-project';
import {
  commandWords,
  extraHosts,
  fileMode,
  fileReference,
  labelsOf,
  listOrMap,
  parseBytes,
  parseCpus,
  parseDuration,
  portConfigs,
  volumeSpec,
  type PortConfig,
} from './compose-values';
import {
  STACK_IMAGE_LABEL,
  STACK_NAMESPACE_LABEL,
  type StackNetworkPlan,
  type StackObjectPlan,
  type StackPlan,
  type StackServicePlan,
} from './stack.types';

/*
 * A compose project as Engine objects, field for field what `docker stack
 * deploy` sends (docker/cli cli/compose/convert). Pure: the Engine is asked
 * nothing; config and secret ids are filled in by the deploy once they exist.
 */

const invalid = (key: string, message: string) => new DomainError('INVALID', `${key}: ${message}`, { key });

/** A stack name as the CLI accepts it, and short enough for `<stack>_<service>` to stay a valid service name. */
export function checkStackName(stack: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,49}$/.test(stack)) {
    throw new DomainError(
      'INVALID',
      `stack name "${stack}": use letters, digits, "_", "." or "-" (at most 50), starting with a letter or digit`,
      { key: 'name' },
    );
  }
}

const scope = (stack: string, name: string) => `${stack}_${name}`;
const withNamespace = (stack: string, labels: Record<string, string>) => ({ ...labels, [STACK_NAMESPACE_LABEL]: stack });
const isExternal = (o: { external?: boolean | { name?: string } } | null | undefined): boolean => Boolean(o?.external);
const externalName = (key: string, o: { name?: string; external?: boolean | { name?: string } }): string =>
  o.name ?? (typeof o.external === 'object' ? o.external.name : undefined) ?? key;
/** Networks the Engine knows on every node, which take no aliases (the CLI's "not user defined"). */
const BUILTIN_NETWORKS = new Set(['default', 'bridge', 'host', 'none']);
const stringMap = (o: Record<string, string | number | null> | undefined): Record<string, string> | undefined =>
  o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? '' : String(v)])) : undefined;

/** The short content hash that names a config's or secret's version. */
export const contentHash = (data: Buffer, templating?: string): string =>
  createHash('sha256')
    .update(data)
    .update(templating ?? '')
    .digest('hex')
    .slice(0, 10);

export function convertStack(project: ComposeProject, stack: string): StackPlan {
  checkStackName(stack);
  const services = Object.entries(project.services ?? {});
  if (services.length === 0) throw invalid('services', 'a stack needs at least one service');

  // networks: only those a service uses, `default` for a service without `networks:`
  const used = new Set<string>();
  for (const [, svc] of services) {
    const names = serviceNetworkNames(svc);
    if (names.length === 0) used.add('default');
    names.forEach((n) => used.add(n));
  }
  const networks: StackNetworkPlan[] = [];
  const externalNetworks: { key: string; name: string }[] = [];
  for (const key of [...used].sort()) {
    const nw = project.networks?.[key] ?? {};
    if (key !== 'default' && !(key in (project.networks ?? {}))) continue; // reported on the service
    if (isExternal(nw)) {
      externalNetworks.push({ key, name: externalName(key, nw) });
      continue;
    }
    const ipam =
      nw.ipam?.driver || nw.ipam?.config?.length
        ? { Driver: nw.ipam.driver, Config: (nw.ipam.config ?? []).map((c) => ({ Subnet: c.subnet })) }
        : undefined;
    networks.push({
      key,
      name: nw.name ?? scope(stack, key),
      driver: nw.driver || 'overlay',
      options: stringMap(nw.driver_opts),
      labels: withNamespace(stack, labelsOf(nw.labels)),
      internal: Boolean(nw.internal),
      attachable: Boolean(nw.attachable),
      ...(ipam ? { ipam } : {}),
    });
  }

  const configs = fileObjects(project.configs, 'configs', stack);
  const secrets = fileObjects(project.secrets, 'secrets', stack);
  const planned: StackServicePlan[] = services.map(([key, svc]) => ({
    key,
    name: scope(stack, key),
    spec: convertService(project, stack, key, svc, configs, secrets),
  }));
  return {
    stack,
    networks,
    externalNetworks,
    configs: configs.filter((o) => !o.external),
    secrets: secrets.filter((o) => !o.external),
    services: planned,
  };
}

interface FileObjectRef extends StackObjectPlan {
  external: boolean;
}

function fileObjects(objects: Record<string, ComposeFileObject> | undefined, kind: 'configs' | 'secrets', stack: string): FileObjectRef[] {
  return Object.entries(objects ?? {}).map(([key, o]) => {
    const at = `${kind}.${key}`;
    if (isExternal(o)) return { key, name: externalName(key, o), kind, data: Buffer.alloc(0), labels: {}, external: true };
    if (kind === 'secrets' && o.driver) {
      // a secret from a driver has no bytes: the driver makes them
      return {
        key,
        name: o.name ?? scope(stack, key),
        kind,
        data: Buffer.alloc(0),
        labels: withNamespace(stack, labelsOf(o.labels)),
        driver: { Name: o.driver, Options: stringMap(o.driver_opts) },
        external: false,
      };
    }
    if (!o.content) throw invalid(at, o.file || o.environment ? 'its content was not read' : 'needs file, environment or external');
    const templating = o.template_driver ? { Name: o.template_driver } : undefined;
    // an explicit `name:` is the author's: kept as written (and so, as for the CLI, immutable)
    const name = o.name ?? `${scope(stack, key)}-${contentHash(o.content, o.template_driver)}`;
    return {
      key,
      name,
      kind,
      data: o.content,
      labels: withNamespace(stack, labelsOf(o.labels)),
      ...(templating ? { templating } : {}),
      external: false,
    };
  });
}

const serviceNetworkNames = (svc: ComposeService): string[] =>
  Array.isArray(svc.networks) ? svc.networks : Object.keys(svc.networks ?? {});

function convertService(
  project: ComposeProject,
  stack: string,
  key: string,
  svc: ComposeService,
  configs: FileObjectRef[],
  secrets: FileObjectRef[],
): ServiceSpec {
  const at = `services.${key}`;
  if (!svc.image) throw invalid(`${at}.image`, 'a service on a swarm needs an image (build is not supported by docker stack deploy)');
  const deploy = svc.deploy ?? {};
  const capAdd = normaliseCaps(svc.cap_add);
  const capDrop = normaliseCaps(svc.cap_drop).filter((c) => !capAdd.includes(c));
  const env = [...listOrMap(svc.environment, '=', true)].map(([k, v]) => (v === null ? k : `${k}=${v}`)).sort();
  const dns = typeof svc.dns === 'string' ? [svc.dns] : svc.dns;
  const dnsSearch = typeof svc.dns_search === 'string' ? [svc.dns_search] : svc.dns_search;
  const hosts = extraHosts(svc.extra_hosts);
  const sysctls = svc.sysctls ? Object.fromEntries([...listOrMap(svc.sysctls)].map(([k, v]) => [k, v ?? ''])) : undefined;
  const ports = (svc.ports ?? []).flatMap((p, i) => portConfigs(p, `${at}.ports[${i}]`)).sort(comparePorts);
  const mode = deployMode(deploy.mode, deploy.replicas, `${at}.deploy`);
  const stopGrace = svc.stop_grace_period === undefined ? undefined : parseDuration(svc.stop_grace_period, `${at}.stop_grace_period`);

  const containerSpec = {
    Image: svc.image,
    Labels: withNamespace(stack, labelsOf(svc.labels)),
    ...(svc.entrypoint != null ? { Command: commandWords(svc.entrypoint, `${at}.entrypoint`) } : {}),
    ...(svc.command != null ? { Args: commandWords(svc.command, `${at}.command`) } : {}),
    ...(svc.hostname ? { Hostname: svc.hostname } : {}),
    ...(env.length ? { Env: env } : {}),
    ...(svc.working_dir ? { Dir: svc.working_dir } : {}),
    ...(svc.user ? { User: svc.user } : {}),
    ...(svc.tty ? { TTY: true } : {}),
    ...(svc.stdin_open ? { OpenStdin: true } : {}),
    ...(svc.read_only ? { ReadOnly: true } : {}),
    ...(svc.init !== undefined ? { Init: svc.init } : {}),
    Mounts: (svc.volumes ?? []).map((v, i) => toMount(project, stack, v, `${at}.volumes[${i}]`)),
    ...(stopGrace !== undefined ? { StopGracePeriod: stopGrace } : {}),
    ...(svc.stop_signal ? { StopSignal: svc.stop_signal } : {}),
    ...(svc.healthcheck ? { Healthcheck: healthcheck(svc.healthcheck, `${at}.healthcheck`) } : {}),
    ...(hosts.length ? { Hosts: hosts } : {}),
    ...(dns?.length || dnsSearch?.length
      ? { DNSConfig: { ...(dns?.length ? { Nameservers: dns } : {}), ...(dnsSearch?.length ? { Search: dnsSearch } : {}) } }
      : {}),
    Secrets: fileRefs(svc.secrets, secrets, `${at}.secrets`, 'secrets').map(({ name, file }) => ({
      SecretName: name,
      SecretID: '',
      File: file,
    })),
    Configs: fileRefs(svc.configs, configs, `${at}.configs`, 'configs').map(({ name, file }) => ({
      ConfigName: name,
      ConfigID: '',
      File: file,
    })),
    Privileges: {},
    ...(svc.isolation ? { Isolation: svc.isolation } : {}),
    ...(sysctls ? { Sysctls: sysctls } : {}),
    ...(capAdd.length ? { CapabilityAdd: capAdd } : {}),
    ...(capDrop.length ? { CapabilityDrop: capDrop } : {}),
    ...(svc.ulimits ? { Ulimits: ulimits(svc.ulimits, `${at}.ulimits`) } : {}),
  };

  const spec: ServiceSpec = {
    Name: scope(stack, key),
    Labels: { ...withNamespace(stack, labelsOf(deploy.labels)), [STACK_IMAGE_LABEL]: svc.image },
    TaskTemplate: {
      ContainerSpec: containerSpec as NonNullable<ServiceSpec['TaskTemplate']> extends { ContainerSpec?: infer C } ? C : never,
      ...(svc.logging?.driver || svc.logging?.options
        ? { LogDriver: { Name: svc.logging.driver ?? '', Options: stringMap(svc.logging.options) ?? {} } }
        : {}),
      Resources: resources(deploy.resources, `${at}.deploy.resources`),
      ...restartPolicy(deploy.restart_policy, svc.restart, at),
      Placement: {
        ...(deploy.placement?.constraints?.length ? { Constraints: deploy.placement.constraints } : {}),
        ...(deploy.placement?.preferences?.length
          ? { Preferences: deploy.placement.preferences.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })) }
          : {}),
        ...(deploy.placement?.max_replicas_per_node ? { MaxReplicas: deploy.placement.max_replicas_per_node } : {}),
      },
      Networks: serviceNetworks(project, stack, key, svc),
    } as ServiceSpec['TaskTemplate'],
    Mode: mode,
    EndpointSpec: {
      ...(deploy.endpoint_mode ? { Mode: deploy.endpoint_mode.toLowerCase() as 'vip' | 'dnsrr' } : {}),
      ...(ports.length ? { Ports: ports as NonNullable<ServiceSpec['EndpointSpec']>['Ports'] } : {}),
    },
    ...(deploy.update_config ? { UpdateConfig: updateConfig(deploy.update_config, `${at}.deploy.update_config`) } : {}),
    ...(deploy.rollback_config ? { RollbackConfig: updateConfig(deploy.rollback_config, `${at}.deploy.rollback_config`) } : {}),
  };
  return spec;
}

const comparePorts = (a: PortConfig, b: PortConfig): number =>
  (a.Protocol ?? '').localeCompare(b.Protocol ?? '') ||
  a.TargetPort - b.TargetPort ||
  (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0) ||
  (a.PublishMode ?? '').localeCompare(b.PublishMode ?? '');

function normaliseCaps(caps: string[] | undefined): string[] {
  const set = new Set(
    (caps ?? []).map((c) => c.trim().toUpperCase()).map((c) => (c === 'ALL' || c === 'RESET' || c.startsWith('CAP_') ? c : `CAP_${c}`)),
  );
  if (set.has('ALL')) return ['ALL'];
  set.delete('RESET');
  return [...set].sort();
}

function deployMode(mode: string | undefined, replicas: number | undefined, at: string): ServiceSpec['Mode'] {
  switch (mode ?? 'replicated') {
    case 'replicated':
      return { Replicated: replicas === undefined ? {} : { Replicas: replicas } };
    case 'global':
    case 'global-job':
      if (replicas !== undefined) throw invalid(`${at}.replicas`, 'replicas can only be used with replicated or replicated-job mode');
      return mode === 'global' ? { Global: {} } : ({ GlobalJob: {} } as ServiceSpec['Mode']);
    case 'replicated-job':
      return { ReplicatedJob: replicas === undefined ? {} : { MaxConcurrent: replicas, TotalCompletions: replicas } };
    default:
      throw invalid(`${at}.mode`, `unknown mode "${mode}" (replicated, global, replicated-job or global-job)`);
  }
}

function healthcheck(
  h: NonNullable<ComposeService['healthcheck']>,
  at: string,
): { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number } {
  if (h.disable) {
    if (h.test !== undefined && h.test.length) throw invalid(at, 'test and disable cannot be set at the same time');
    return { Test: ['NONE'] };
  }
  const d = (v: string | number | undefined, k: string) => (v === undefined ? 0 : parseDuration(v, `${at}.${k}`));
  return {
    ...(h.test !== undefined ? { Test: typeof h.test === 'string' ? ['CMD-SHELL', h.test] : h.test } : {}),
    Timeout: d(h.timeout, 'timeout'),
    Interval: d(h.interval, 'interval'),
    Retries: h.retries ?? 0,
    StartPeriod: d(h.start_period, 'start_period'),
    StartInterval: d(h.start_interval, 'start_interval'),
  };
}

type Resources = NonNullable<NonNullable<ServiceSpec['TaskTemplate']>['Resources']>;

function resources(r: NonNullable<ComposeService['deploy']>['resources'], at: string): Resources {
  const out: Record<string, unknown> = {};
  if (r?.limits) {
    out.Limits = {
      NanoCPUs: r.limits.cpus === undefined ? 0 : parseCpus(r.limits.cpus, `${at}.limits.cpus`),
      MemoryBytes: r.limits.memory === undefined ? 0 : parseBytes(r.limits.memory, `${at}.limits.memory`),
      ...(r.limits.pids ? { Pids: r.limits.pids } : {}),
    };
  }
  if (r?.reservations) {
    const generic = (r.reservations.generic_resources ?? []).map((g) => ({
      DiscreteResourceSpec: g.discrete_resource_spec
        ? { Kind: g.discrete_resource_spec.kind, Value: g.discrete_resource_spec.value }
        : undefined,
    }));
    out.Reservations = {
      NanoCPUs: r.reservations.cpus === undefined ? 0 : parseCpus(r.reservations.cpus, `${at}.reservations.cpus`),
      MemoryBytes: r.reservations.memory === undefined ? 0 : parseBytes(r.reservations.memory, `${at}.reservations.memory`),
      ...(generic.length ? { GenericResources: generic } : {}),
    };
  }
  return out as Resources;
}

function restartPolicy(
  p: NonNullable<ComposeService['deploy']>['restart_policy'],
  legacy: string | undefined,
  at: string,
): { RestartPolicy?: Record<string, unknown> } {
  if (p) {
    const key = `${at}.deploy.restart_policy`;
    return {
      RestartPolicy: {
        ...(p.condition ? { Condition: p.condition } : {}),
        ...(p.delay !== undefined ? { Delay: parseDuration(p.delay, `${key}.delay`) } : {}),
        ...(p.max_attempts !== undefined ? { MaxAttempts: p.max_attempts } : {}),
        ...(p.window !== undefined ? { Window: parseDuration(p.window, `${key}.window`) } : {}),
      },
    };
  }
  if (!legacy) return {};
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(legacy);
  if (!m) throw invalid(`${at}.restart`, `unknown restart policy "${legacy}" (no, always, on-failure or unless-stopped)`);
  if (m[1] === 'no') return {};
  const attempts = m[2] && Number(m[2]) > 0 ? { MaxAttempts: Number(m[2]) } : {};
  return { RestartPolicy: { Condition: m[1] === 'on-failure' ? 'on-failure' : 'any', ...attempts } };
}

function updateConfig(u: ComposeUpdateConfig, at: string): NonNullable<ServiceSpec['UpdateConfig']> {
  return {
    Parallelism: u.parallelism ?? 1,
    Delay: u.delay === undefined ? 0 : parseDuration(u.delay, `${at}.delay`),
    ...(u.failure_action ? { FailureAction: u.failure_action } : {}),
    Monitor: u.monitor === undefined ? 0 : parseDuration(u.monitor, `${at}.monitor`),
    MaxFailureRatio: u.max_failure_ratio ?? 0,
    ...(u.order ? { Order: u.order } : {}),
  } as NonNullable<ServiceSpec['UpdateConfig']>;
}

function serviceNetworks(
  project: ComposeProject,
  stack: string,
  key: string,
  svc: ComposeService,
): { Target: string; Aliases?: string[]; DriverOpts?: Record<string, string> }[] {
  const entries: [string, { aliases?: string[]; driver_opts?: Record<string, string | number> } | null][] = Array.isArray(svc.networks)
    ? svc.networks.map((n) => [n, null])
    : Object.entries(svc.networks ?? {});
  if (entries.length === 0) entries.push(['default', null]);
  return entries
    .map(([name, cfg]) => {
      const nw = project.networks?.[name];
      if (nw === undefined && name !== 'default')
        throw invalid(`services.${key}.networks`, `undefined network "${name}" (not among the top-level networks)`);
      const target = nw?.name ?? (nw && isExternal(nw) ? externalName(name, nw) : scope(stack, name));
      const aliases = [...(cfg?.aliases ?? []), ...(BUILTIN_NETWORKS.has(target) || target.startsWith('container:') ? [] : [key])];
      const opts = stringMap(cfg?.driver_opts);
      return { Target: target, ...(aliases.length ? { Aliases: aliases } : {}), ...(opts ? { DriverOpts: opts } : {}) };
    })
    .sort((a, b) => (a.Target < b.Target ? -1 : a.Target > b.Target ? 1 : 0));
}

interface MountSpec {
  Type: string;
  Target?: string;
  Source?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: {
    NoCopy?: boolean;
    Subpath?: string;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

function toMount(project: ComposeProject, stack: string, entry: Parameters<typeof volumeSpec>[0], at: string): MountSpec {
  const v = volumeSpec(entry, at);
  const type = v.type ?? 'volume';
  const base: MountSpec = {
    Type: type,
    Target: v.target,
    ...(v.read_only ? { ReadOnly: true } : {}),
    ...(v.source ? { Source: v.source } : {}),
    ...(v.consistency ? { Consistency: v.consistency } : {}),
  };
  const incompatible = (opt: 'bind' | 'volume' | 'tmpfs') => {
    if (v[opt]) throw invalid(`${at}.${opt}`, `${opt} options are incompatible with type ${type}`);
  };
  switch (type) {
    case 'volume': {
      incompatible('bind');
      incompatible('tmpfs');
      if (!v.source) return base;
      const vol = project.volumes?.[v.source];
      if (vol === undefined) throw invalid(`${at}.source`, `undefined volume "${v.source}" (not among the top-level volumes)`);
      const options: NonNullable<MountSpec['VolumeOptions']> = {
        ...(v.volume?.nocopy ? { NoCopy: true } : {}),
        ...(v.volume?.subpath ? { Subpath: v.volume.subpath } : {}),
      };
      const source = vol?.name ?? (vol && isExternal(vol) ? externalName(v.source, vol) : scope(stack, v.source));
      if (!isExternal(vol)) {
        options.Labels = withNamespace(stack, labelsOf(vol?.labels));
        if (vol?.driver || vol?.driver_opts)
          options.DriverConfig = {
            ...(vol.driver ? { Name: vol.driver } : {}),
            ...(vol.driver_opts ? { Options: stringMap(vol.driver_opts) } : {}),
          };
      }
      return { ...base, Source: source, VolumeOptions: options };
    }
    case 'bind': {
      incompatible('volume');
      incompatible('tmpfs');
      if (!v.source) throw invalid(`${at}.source`, 'a bind mount needs a source');
      if (!v.source.startsWith('/'))
        throw invalid(
          `${at}.source`,
          `"${v.source}": a relative bind path has no meaning on a swarm node; use an absolute path or a named volume`,
        );
      return { ...base, ...(v.bind?.propagation ? { BindOptions: { Propagation: v.bind.propagation } } : {}) };
    }
    case 'tmpfs': {
      incompatible('bind');
      incompatible('volume');
      if (v.source) throw invalid(`${at}.source`, 'a tmpfs mount takes no source');
      const size = v.tmpfs?.size === undefined ? undefined : parseBytes(v.tmpfs.size, `${at}.tmpfs.size`);
      return {
        ...base,
        ...(v.tmpfs
          ? {
              TmpfsOptions: {
                ...(size !== undefined ? { SizeBytes: size } : {}),
                ...(v.tmpfs.mode !== undefined ? { Mode: v.tmpfs.mode } : {}),
              },
            }
          : {}),
      };
    }
    default:
      throw invalid(`${at}.type`, `mount type "${type}" is not supported on a swarm (volume, bind or tmpfs)`);
  }
}

interface FileTarget {
  name: string;
  file: { Name: string; UID: string; GID: string; Mode: number };
}

function fileRefs(entries: ComposeService['configs'], objects: FileObjectRef[], at: string, kind: 'configs' | 'secrets'): FileTarget[] {
  return (entries ?? [])
    .map((entry, i) => {
      const ref = fileReference(entry);
      const obj = objects.find((o) => o.key === ref.source);
      if (!obj) throw invalid(`${at}[${i}]`, `undefined ${kind.slice(0, -1)} "${ref.source}" (not among the top-level ${kind})`);
      return {
        name: obj.name,
        file: { Name: ref.target ?? ref.source, UID: ref.uid ?? '0', GID: ref.gid ?? '0', Mode: fileMode(ref.mode, `${at}[${i}].mode`) },
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function ulimits(u: NonNullable<ComposeService['ulimits']>, at: string): { Name: string; Soft: number; Hard: number }[] {
  return Object.entries(u)
    .map(([name, v]) => {
      if (typeof v === 'object') return { Name: name, Soft: Number(v.soft), Hard: Number(v.hard) };
      const n = Number(v);
      if (!Number.isInteger(n)) throw invalid(`${at}.${name}`, `"${v}" is not a number`);
      return { Name: name, Soft: n, Hard: n };
    })
    .sort((a, b) => (a.Name < b.Name ? -1 : 1));
}
