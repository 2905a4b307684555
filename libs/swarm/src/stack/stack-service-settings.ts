import type { ServiceSpec } from '../service-spec.types';
import type { ComposeService, ComposeUpdateConfig } from './compose-project';
import { parseBytes, parseCpus, parseDuration, type PortConfig } from './compose-values';
import { invalid } from './stack-convert-names';

// A service's settings, one compose section each, as the Engine's spec fields.

export const comparePorts = (a: PortConfig, b: PortConfig): number =>
  (a.Protocol ?? '').localeCompare(b.Protocol ?? '') ||
  a.TargetPort - b.TargetPort ||
  (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0) ||
  (a.PublishMode ?? '').localeCompare(b.PublishMode ?? '');

export function normaliseCaps(caps: string[] | undefined): string[] {
  const set = new Set(
    (caps ?? []).map((c) => c.trim().toUpperCase()).map((c) => (c === 'ALL' || c === 'RESET' || c.startsWith('CAP_') ? c : `CAP_${c}`)),
  );
  if (set.has('ALL')) return ['ALL'];
  set.delete('RESET');
  return [...set].sort();
}

export function deployMode(mode: string | undefined, replicas: number | undefined, at: string): ServiceSpec['Mode'] {
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

export function healthcheck(
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

export function resources(r: NonNullable<ComposeService['deploy']>['resources'], at: string): Resources {
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

export function restartPolicy(
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

export function updateConfig(u: ComposeUpdateConfig, at: string): NonNullable<ServiceSpec['UpdateConfig']> {
  return {
    Parallelism: u.parallelism ?? 1,
    Delay: u.delay === undefined ? 0 : parseDuration(u.delay, `${at}.delay`),
    ...(u.failure_action ? { FailureAction: u.failure_action } : {}),
    Monitor: u.monitor === undefined ? 0 : parseDuration(u.monitor, `${at}.monitor`),
    MaxFailureRatio: u.max_failure_ratio ?? 0,
    ...(u.order ? { Order: u.order } : {}),
  } as NonNullable<ServiceSpec['UpdateConfig']>;
}

export function ulimits(u: NonNullable<ComposeService['ulimits']>, at: string): { Name: string; Soft: number; Hard: number }[] {
  return Object.entries(u)
    .map(([name, v]) => {
      if (typeof v === 'object') return { Name: name, Soft: Number(v.soft), Hard: Number(v.hard) };
      const n = Number(v);
      if (!Number.isInteger(n)) throw invalid(`${at}.${name}`, `"${v}" is not a number`);
      return { Name: name, Soft: n, Hard: n };
    })
    .sort((a, b) => (a.Name < b.Name ? -1 : 1));
}
