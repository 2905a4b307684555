import type { ServiceSpec } from '../service-spec.types';
import { containerSpecOf, type SpecDifference } from './stack.types';

/*
 * The stack side of drift: a converted spec against the one the swarm holds,
 * like with like. Both sides get the defaults the Engine fills in, lose the
 * values that mean "unset" (0, "", [], {}), name networks instead of their
 * ids, and name configs/secrets instead of their ids; the image is compared
 * without its digest when the file's image has none.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface DriftContext {
  /** Network id -> name, to read the deployed spec's targets as names. */
  networkNames?: Map<string, string>;
}

const NS = 1e9;
const UPDATE_DEFAULTS = { Parallelism: 1, FailureAction: 'pause', Monitor: 5 * NS, MaxFailureRatio: 0, Order: 'stop-first' };
const RESTART_DEFAULTS = { Condition: 'any', Delay: 5 * NS, MaxAttempts: 0 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Recursively drops values that mean "unset", so `{}` and a missing key read the same. */
function prune(v: unknown): Json | undefined {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return undefined;
  if (Array.isArray(v)) {
    const items = v.map(prune).filter((x): x is Json => x !== undefined);
    return items.length ? items : undefined;
  }
  if (isObject(v)) {
    const entries = Object.entries(v)
      .map(([k, x]) => [k, prune(x)] as const)
      .filter((e): e is readonly [string, Json] => e[1] !== undefined)
      // keys in order, so two equal objects print the same
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  return undefined;
}

const withDefaults = <T extends Record<string, unknown>>(defaults: T, given: unknown): Record<string, unknown> | undefined => {
  if (!isObject(given)) return { ...defaults };
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(given)) if (v !== undefined && v !== null && !(v === 0 && k === 'Monitor') && v !== '') out[k] = v;
  return out;
};

/** A service spec as the Engine would report it, in a form two specs can be compared in. */
export function normaliseServiceSpec(spec: ServiceSpec, ctx: DriftContext = {}, opts: { keepDigest?: boolean } = {}): Json | undefined {
  const s = structuredClone(spec) as Record<string, unknown> & ServiceSpec;
  const task = (s.TaskTemplate ?? {}) as Record<string, unknown>;
  const container = (task.ContainerSpec ?? {}) as Record<string, unknown>;
  if (typeof container.Image === 'string' && !opts.keepDigest) container.Image = container.Image.split('@')[0];
  container.StopGracePeriod ??= 10 * NS;
  if (container.Isolation === 'default') delete container.Isolation;
  for (const key of ['Secrets', 'Configs'] as const) {
    const refs = container[key];
    if (Array.isArray(refs)) {
      container[key] = refs
        .filter(isObject)
        .map((r): Record<string, unknown> => ({ ...r, SecretID: undefined, ConfigID: undefined }))
        .sort((a, b) => String(a.SecretName ?? a.ConfigName).localeCompare(String(b.SecretName ?? b.ConfigName)));
    }
  }
  if (Array.isArray(container.Env)) container.Env = [...(container.Env as string[])].sort();
  delete container.Privileges;
  task.ContainerSpec = container;
  task.RestartPolicy = withDefaults(RESTART_DEFAULTS, task.RestartPolicy);
  delete task.ForceUpdate;
  if (task.Runtime === 'container') delete task.Runtime;
  if (Array.isArray(task.Networks)) {
    task.Networks = task.Networks.filter(isObject)
      .map((n) => ({ ...n, Target: ctx.networkNames?.get(String(n.Target)) ?? n.Target }))
      .sort((a, b) => String(a.Target).localeCompare(String(b.Target)));
  }
  s.TaskTemplate = task as ServiceSpec['TaskTemplate'];
  const out = s as Record<string, unknown>;
  out.UpdateConfig = withDefaults(UPDATE_DEFAULTS, s.UpdateConfig);
  out.RollbackConfig = withDefaults(UPDATE_DEFAULTS, s.RollbackConfig);
  const endpoint = (isObject(s.EndpointSpec) ? s.EndpointSpec : {}) as Record<string, unknown>;
  endpoint.Mode ??= 'vip';
  if (Array.isArray(endpoint.Ports)) {
    endpoint.Ports = endpoint.Ports.filter(isObject)
      .map((p): Record<string, unknown> => ({
        Protocol: 'tcp',
        PublishMode: 'ingress',
        ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== '')),
      }))
      .sort((a, b) => `${a.Protocol}/${a.TargetPort}/${a.PublishedPort}`.localeCompare(`${b.Protocol}/${b.TargetPort}/${b.PublishedPort}`));
  }
  out.EndpointSpec = endpoint;
  // no mode is a replicated service of one, as the Engine creates it
  const mode = (isObject(s.Mode) && Object.keys(s.Mode).length ? s.Mode : { Replicated: {} }) as Record<string, unknown>;
  if (isObject(mode.Replicated))
    mode.Replicated = { Replicas: 1, ...Object.fromEntries(Object.entries(mode.Replicated).filter(([, v]) => v !== undefined)) };
  if (isObject(mode.Global)) mode.Global = { global: true };
  if (isObject(mode.GlobalJob)) mode.GlobalJob = { globalJob: true };
  if (isObject(mode.ReplicatedJob)) mode.ReplicatedJob = { MaxConcurrent: 1, TotalCompletions: 1, ...mode.ReplicatedJob };
  out.Mode = mode;
  return prune(out);
}

function diff(path: string, a: Json | undefined, b: Json | undefined, out: SpecDifference[]): void {
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diff(path ? `${path}.${k}` : k, a[k], b[k], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, wanted: a, deployed: b });
}

/** Field differences between what the file wants and what the swarm runs; none right after a deploy. */
export function serviceSpecDrift(wanted: ServiceSpec, deployed: ServiceSpec, ctx: DriftContext = {}): SpecDifference[] {
  const keepDigest = (containerSpecOf(wanted)?.Image ?? '').includes('@');
  const out: SpecDifference[] = [];
  diff('', normaliseServiceSpec(wanted, ctx, { keepDigest }), normaliseServiceSpec(deployed, ctx, { keepDigest }), out);
  return out;
}
