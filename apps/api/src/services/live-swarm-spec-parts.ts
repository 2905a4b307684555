import { DomainError } from '@app/common';

/** The parts of a live spec read back into compose vocabulary: mounts, healthcheck, update policy, durations. */

type Json = Record<string, unknown>;

export function volumeOf(m: Json): Json {
  const type = String(m.Type);
  if (type !== 'volume' && type !== 'bind' && type !== 'tmpfs')
    throw new DomainError('INVALID', `cannot import: a ${type} mount has no definition`);
  const tmpfs = m.TmpfsOptions as Json | undefined;
  return prune({
    type,
    source: m.Source,
    target: m.Target,
    read_only: m.ReadOnly,
    bind: (m.BindOptions as Json | undefined)?.Propagation ? { propagation: (m.BindOptions as Json).Propagation } : undefined,
    volume: (m.VolumeOptions as Json | undefined)?.NoCopy !== undefined ? { nocopy: (m.VolumeOptions as Json).NoCopy } : undefined,
    tmpfs: tmpfs ? nonEmptyMap({ size: tmpfs.SizeBytes, mode: tmpfs.Mode }) : undefined,
  });
}

export function healthcheckOf(h: Json): Json {
  const test = h.Test as string[] | undefined;
  if (test?.[0] === 'NONE') return { disable: true };
  return prune({
    test: test?.[0] === 'CMD-SHELL' && test.length === 2 ? test[1] : test,
    interval: nanos(h.Interval),
    timeout: nanos(h.Timeout),
    retries: h.Retries,
    start_period: nanos(h.StartPeriod),
  });
}

export function updateConfigOf(u: Json | undefined): Json | undefined {
  if (!u) return undefined;
  return nonEmptyMap({
    parallelism: u.Parallelism,
    delay: nanos(u.Delay),
    failure_action: u.FailureAction,
    monitor: nanos(u.Monitor),
    max_failure_ratio: u.MaxFailureRatio,
    order: u.Order,
  });
}

const UNITS: Array<[string, number]> = [
  ['h', 3600e9],
  ['m', 60e9],
  ['s', 1e9],
  ['ms', 1e6],
  ['us', 1e3],
  ['ns', 1],
];

/** Nanoseconds → a Compose duration ("1m30s") that durationToNanos reads back to the same number. */
export function nanosToDuration(ns: number): string {
  if (ns === 0) return '0s';
  let rest = ns;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

export const nanos = (v: unknown) => (typeof v === 'number' ? nanosToDuration(v) : undefined);
export const cpus = (v: unknown) => (typeof v === 'number' && v > 0 ? v / 1e9 : undefined);
export const nonEmpty = <T>(a: T[] | undefined): T[] | undefined => (a?.length ? a : undefined);

export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);
}

export function nonEmptyMap<T extends Json>(o: T | undefined): T | undefined {
  if (!o) return undefined;
  const p = prune(o);
  return Object.keys(p).length ? p : undefined;
}

export function prune<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Every leaf of a spec with its path, in the drift format's notation; an empty object or list is a leaf. */
export function leaves(value: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.length ? value.flatMap((v, i) => leaves(v, `${path}[${i}]`)) : [[path, value]];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k)) : [[path, value]];
  }
  return [[path, value]];
}
