import { createHash } from 'node:crypto';
import { DomainError } from '@app/common';
import type { ServiceSpec } from '../service-spec.types';
import type { ComposeFileObject, ComposeProject, ComposeService } from './compose-project';
import { commandWords, extraHosts, labelsOf, listOrMap, parseDuration, portConfigs } from './compose-values';
import { BUILTIN_NETWORKS, externalName, invalid, isExternal, scope, stringMap, withNamespace } from './stack-convert-names';
import { fileRefs, toMount, type FileObjectRef } from './stack-service-mounts';
import {
  comparePorts,
  deployMode,
  healthcheck,
  normaliseCaps,
  resources,
  restartPolicy,
  ulimits,
  updateConfig,
} from './stack-service-settings';
import { STACK_IMAGE_LABEL, type StackNetworkPlan, type StackPlan, type StackServicePlan } from './stack.types';

/*
 * A compose project as Engine objects, field for field what `docker stack
 * deploy` sends (docker/cli cli/compose/convert). Pure: the Engine is asked
 * nothing; config and secret ids are filled in by the deploy once they exist.
 */

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
