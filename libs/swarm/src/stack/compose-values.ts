import { DomainError } from '@app/common';
import type { ComposeFileReference, ComposeListOrMap, ComposePort, ComposeScalar, ComposeServiceVolume } from './compose-project';

/*
 * The compose file's value syntaxes, read as the docker CLI's compose loader
 * reads them (Go durations, RAM sizes, rational CPUs, shell words, short port
 * and volume specs), so a value means here what it means to `docker stack deploy`.
 */

const invalid = (key: string, message: string) => new DomainError('INVALID', `${key}: ${message}`, { key });

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration (`1m30s`, `1.5h`, `300ms`, `0`) in nanoseconds. */
export function parseDuration(value: string | number, key: string): number {
  if (typeof value === 'number') {
    if (value === 0) return 0;
    throw invalid(key, `a duration needs a unit, e.g. "${value}s"`);
  }
  const text = value.trim();
  if (text === '0') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  const part = /(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(body); m; m = part.exec(body)) {
    if (m[1] === '' || m[1] === '.') break;
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== body.length) throw invalid(key, `"${value}" is not a duration (e.g. 10s, 1m30s, 500ms)`);
  return Math.round(sign * total);
}

const RAM_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** A size in bytes: a number, or `64M`, `1.5g`, `512kb` with binary multiples (docker's RAMInBytes). */
export function parseBytes(value: string | number, key: string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i.exec(value.trim());
  if (!m) throw invalid(key, `"${value}" is not a size (e.g. 64M, 1g, 512k)`);
  return Math.floor(Number(m[1]) * RAM_UNITS[(m[2] ?? '').toLowerCase()]);
}

/** CPUs (`0.5`, `2`) in nano CPUs; more than nine decimals is refused as the CLI does. */
export function parseCpus(value: string | number, key: string): number {
  const text = String(value).trim();
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || text === '' || text === '.') throw invalid(key, `"${value}" is not a number of CPUs`);
  const decimals = (m[2] ?? '').replace(/0+$/, '');
  if (decimals.length > 9) throw invalid(key, `"${value}" is too precise (at most 9 decimals)`);
  return Number(m[1] || '0') * 1e9 + Number(decimals.padEnd(9, '0'));
}

/** Splits a command line into words as the compose loader does (quotes, backslashes, `#` comments). */
export function shellWords(line: string, key: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw invalid(key, 'ends with an escape character');
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      while (i < line.length && line[i] !== '\n') i++;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw invalid(key, `unclosed ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}

export const commandWords = (value: string | string[] | null | undefined, key: string): string[] | undefined =>
  value === null || value === undefined ? undefined : typeof value === 'string' ? shellWords(value, key) : value.map(String);

const scalar = (v: ComposeScalar | null): string | null => (v === null ? null : String(v));

/**
 * A list-or-map as a map. `KEY` alone in a list (or a null map value) is
 * kept as null when `allowNil` (environment), else as an empty string (labels).
 */
export function listOrMap(value: ComposeListOrMap | undefined, sep = '=', allowNil = false): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (!value) return out;
  if (Array.isArray(value)) {
    for (const entry of value) {
      const at = String(entry).indexOf(sep);
      if (at < 0) out.set(String(entry), allowNil ? null : '');
      else out.set(String(entry).slice(0, at), String(entry).slice(at + 1));
    }
  } else {
    for (const [k, v] of Object.entries(value)) out.set(k, allowNil ? scalar(v) : (scalar(v) ?? ''));
  }
  return out;
}

export const labelsOf = (value: ComposeListOrMap | undefined): Record<string, string> =>
  Object.fromEntries([...listOrMap(value)].map(([k, v]) => [k, v ?? '']));

/** `extra_hosts` (list of `host:ip`/`host=ip`, or a map) as Swarm's `IP host` lines, in the file's order. */
export function extraHosts(value: ComposeListOrMap | undefined): string[] {
  if (!value) return [];
  const pairs: [string, string][] = Array.isArray(value)
    ? value.flatMap((e): [string, string][] => {
        const m = /^([^=:]*)[=:](.*)$/.exec(String(e));
        return m ? [[m[1], m[2]]] : [];
      })
    : Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]): [string, string] => [k, String(v)])
        .sort(([a, av], [b, bv]) => `${a}:${av}`.localeCompare(`${b}:${bv}`));
  return pairs.map(([host, ip]) => `${/^\[.+\]$/.test(ip) ? ip.slice(1, -1) : ip} ${host}`);
}

export interface PortConfig {
  Protocol?: string;
  TargetPort: number;
  PublishedPort?: number;
  PublishMode?: string;
}

const portNumber = (v: string, key: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw invalid(key, `"${v}" is not a port number`);
  return n;
};

const portRange = (v: string, key: string): number[] => {
  const [a, b] = v.split('-');
  const start = portNumber(a, key);
  const end = b === undefined ? start : portNumber(b, key);
  if (end < start) throw invalid(key, `"${v}" is not a port range`);
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
};

/** One `ports:` entry as Engine port configs; the short syntax publishes through the ingress, as the CLI's. */
export function portConfigs(entry: string | number | ComposePort, key: string): PortConfig[] {
  if (typeof entry === 'object') {
    return [
      {
        Protocol: entry.protocol,
        TargetPort: portNumber(String(entry.target), `${key}.target`),
        PublishedPort:
          entry.published === undefined || entry.published === '' ? undefined : portNumber(String(entry.published), `${key}.published`),
        PublishMode: entry.mode,
      },
    ];
  }
  const spec = String(entry);
  const [body, proto = 'tcp'] = spec.split('/');
  // [ip:][published:]target, the ip possibly an IPv6 address in brackets
  const m = /^(?:(\[[^\]]*\]|[^:]*):)??(?:([^:]*):)?([^:]+)$/.exec(body);
  if (!m || !/^(tcp|udp|sctp)$/.test(proto)) throw invalid(key, `"${spec}" is not a port mapping ([ip:]published:target[/protocol])`);
  const targets = portRange(m[3], key);
  const published = m[2] ? portRange(m[2], key) : [];
  if (published.length > 1 && published.length !== targets.length)
    throw invalid(key, `"${spec}": the published and target ranges differ in size`);
  return targets.map((target, i) => ({
    Protocol: proto,
    TargetPort: target,
    PublishedPort: published.length === 0 ? 0 : published.length === 1 ? published[0] : published[i],
    PublishMode: 'ingress',
  }));
}

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);

/** A `volumes:` short entry (`[source:]target[:options]`) in the long syntax. */
export function volumeSpec(entry: string | ComposeServiceVolume, key: string): ComposeServiceVolume {
  if (typeof entry !== 'string') return entry;
  if (entry.length === 0) throw invalid(key, 'an empty volume entry');
  const parts = entry.split(':');
  if (parts.some((p) => p === '')) throw invalid(key, `"${entry}": empty section between colons`);
  if (parts.length > 3) throw invalid(key, `"${entry}": too many colons`);
  if (parts.length === 1) return { type: 'volume', target: parts[0] };
  const [source, target, options] = parts;
  const out: ComposeServiceVolume = { type: /^[./~]/.test(source) ? 'bind' : 'volume', source, target };
  for (const option of (options ?? '').split(',').filter(Boolean)) {
    if (option === 'ro') out.read_only = true;
    else if (option === 'rw') out.read_only = false;
    else if (option === 'nocopy') out.volume = { nocopy: true };
    else if (PROPAGATIONS.has(option)) out.bind = { propagation: option };
  }
  return out;
}

export const fileReference = (entry: string | ComposeFileReference): ComposeFileReference =>
  typeof entry === 'string' ? { source: entry } : entry;

/** A file mode given as a YAML octal (0440 is read as 288 by a YAML 1.2 parser only if written 0o440) or a string. */
export function fileMode(mode: number | string | undefined, key: string): number {
  if (mode === undefined) return 0o444;
  if (typeof mode === 'number') return mode;
  const m = /^0?o?([0-7]{1,4})$/.exec(mode.trim());
  if (!m) throw invalid(key, `"${mode}" is not a file mode (e.g. 0440)`);
  return parseInt(m[1], 8);
}
