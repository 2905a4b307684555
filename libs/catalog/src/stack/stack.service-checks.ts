import type { KeyProblem } from './stack.interpolation';
import { isMap, type Json } from './stack.json';

// The checks of a service's volumes, deploy mode, configs, secrets and networks
// that the schema cannot make: what refers to what, and what a swarm can do.

/** Every path in `value` that `pattern` (keys, `*` for any key, `[]` for any item) names. */
export function findPaths(value: unknown, pattern: string[], path: (string | number)[] = []): (string | number)[][] {
  if (pattern.length === 0) return [path];
  const [step, ...rest] = pattern;
  if (step === '[]') return Array.isArray(value) ? value.flatMap((item, i) => findPaths(item, rest, [...path, i])) : [];
  if (!isMap(value)) return [];
  if (step === '*')
    return Object.entries(value)
      .filter(([k]) => !k.startsWith('x-'))
      .flatMap(([k, v]) => findPaths(v, rest, [...path, k]));
  return step in value ? findPaths(value[step], rest, [...path, step]) : [];
}

/** A short-syntax volume's source, as compose splits `SOURCE:TARGET[:MODE]`. */
function shortVolumeSource(spec: string): string | undefined {
  const parts = spec.split(':');
  // a Windows drive letter ("C:\\data:/data") is no concern of a Linux swarm; a lone target is an anonymous volume
  return parts.length >= 2 ? parts[0] : undefined;
}

const isPath = (source: string) => source.startsWith('.') || source.startsWith('/') || source.startsWith('~');

export function checkVolumes(
  list: unknown,
  declared: Record<string, Json> | undefined,
  at: (...rest: (string | number)[]) => (string | number)[],
  problems: KeyProblem[],
): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    let source: string | undefined;
    let type: string;
    if (typeof entry === 'string') {
      source = shortVolumeSource(entry);
      type = source !== undefined && isPath(source) ? 'bind' : 'volume';
    } else if (isMap(entry)) {
      source = typeof entry.source === 'string' ? entry.source : undefined;
      type = typeof entry.type === 'string' ? entry.type : 'volume';
      if (typeof entry.target !== 'string' || entry.target === '')
        problems.push({ path: at('volumes', i, 'target'), message: 'is required' });
      if (type === 'bind' && !source) problems.push({ path: at('volumes', i, 'source'), message: 'is required for a bind mount' });
    } else return;
    if (source === undefined || source === '') return;
    if (type === 'bind' && !source.startsWith('/')) {
      problems.push({
        path: at('volumes', i, 'source'),
        message: 'a relative bind path has no meaning on a swarm node; use an absolute path or a named volume',
      });
    } else if (type === 'volume' && !(declared && source in declared)) {
      problems.push({ path: at('volumes', i, 'source'), message: `volume "${source}" is not declared under the top-level volumes` });
    }
  });
}

/** Modes the docker CLI converts (cli/compose/convert/service.go), and replicas only where they mean something. */
export function checkDeploy(deploy: unknown, at: (...rest: (string | number)[]) => (string | number)[], problems: KeyProblem[]): void {
  if (!isMap(deploy)) return;
  const mode = deploy.mode ?? 'replicated';
  if (!['replicated', 'global', 'replicated-job', 'global-job'].includes(String(mode))) {
    problems.push({
      path: at('deploy', 'mode'),
      message: `unknown mode "${String(mode)}": use replicated, global, replicated-job or global-job`,
    });
  } else if (String(mode).startsWith('global') && deploy.replicas !== undefined) {
    problems.push({ path: at('deploy', 'replicas'), message: 'replicas can only be used with replicated or replicated-job mode' });
  }
}

export function checkReferences(
  list: unknown,
  declared: Record<string, Json> | undefined,
  kind: 'config' | 'secret',
  path: (string | number)[],
  problems: KeyProblem[],
): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    const source = typeof entry === 'string' ? entry : isMap(entry) ? entry.source : undefined;
    if (typeof source === 'string' && !(declared && source in declared)) {
      problems.push({ path: [...path, i], message: `${kind} "${source}" is not declared under the top-level ${kind}s` });
    }
  });
}

export function checkNetworks(
  networks: unknown,
  declared: Record<string, Json> | undefined,
  path: (string | number)[],
  problems: KeyProblem[],
): void {
  const names = Array.isArray(networks)
    ? networks.map((n, i) => [String(n), i] as const)
    : isMap(networks)
      ? Object.keys(networks).map((n) => [n, n] as const)
      : [];
  for (const [name, key] of names) {
    // `default` is the stack's own <stack>_default network, there without a declaration
    if (name !== 'default' && !(declared && name in declared)) {
      problems.push({ path: [...path, key], message: `network "${name}" is not declared under the top-level networks` });
    }
  }
}
