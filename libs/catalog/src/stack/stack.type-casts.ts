import type { KeyProblem } from './stack.interpolation';
import { isMap } from './stack.json';

type Cast = 'int' | 'float' | 'bool';
// Where compose turns an interpolated string back into a number or boolean
// (the CLI's interpolateTypeCastMapping, cli/compose/loader/interpolate.go).
// `*` matches any key or list index.
const CASTS: [string[], Cast][] = [
  [['services', '*', 'configs', '*', 'mode'], 'int'],
  [['services', '*', 'secrets', '*', 'mode'], 'int'],
  [['services', '*', 'healthcheck', 'retries'], 'int'],
  [['services', '*', 'healthcheck', 'disable'], 'bool'],
  [['services', '*', 'deploy', 'replicas'], 'int'],
  [['services', '*', 'deploy', 'update_config', 'parallelism'], 'int'],
  [['services', '*', 'deploy', 'update_config', 'max_failure_ratio'], 'float'],
  [['services', '*', 'deploy', 'rollback_config', 'parallelism'], 'int'],
  [['services', '*', 'deploy', 'rollback_config', 'max_failure_ratio'], 'float'],
  [['services', '*', 'deploy', 'restart_policy', 'max_attempts'], 'int'],
  [['services', '*', 'deploy', 'placement', 'max_replicas_per_node'], 'int'],
  [['services', '*', 'ports', '*', 'target'], 'int'],
  [['services', '*', 'ports', '*', 'published'], 'int'],
  [['services', '*', 'ulimits', '*'], 'int'],
  [['services', '*', 'ulimits', '*', 'hard'], 'int'],
  [['services', '*', 'ulimits', '*', 'soft'], 'int'],
  [['services', '*', 'privileged'], 'bool'],
  [['services', '*', 'oom_score_adj'], 'int'],
  [['services', '*', 'read_only'], 'bool'],
  [['services', '*', 'stdin_open'], 'bool'],
  [['services', '*', 'tty'], 'bool'],
  [['services', '*', 'volumes', '*', 'read_only'], 'bool'],
  [['services', '*', 'volumes', '*', 'volume', 'nocopy'], 'bool'],
  [['networks', '*', 'external'], 'bool'],
  [['networks', '*', 'internal'], 'bool'],
  [['networks', '*', 'attachable'], 'bool'],
  [['volumes', '*', 'external'], 'bool'],
  [['secrets', '*', 'external'], 'bool'],
  [['configs', '*', 'external'], 'bool'],
];

/** The interpolated strings at the CASTS paths as the numbers and booleans compose makes of them; a value that is neither is a problem. */
export function castTypes(value: unknown, path: (string | number)[], problems: KeyProblem[]): unknown {
  if (typeof value === 'string') {
    const cast = CASTS.find(([pattern]) => pattern.length === path.length && pattern.every((p, i) => p === '*' || p === path[i]))?.[1];
    if (!cast) return value;
    if (cast === 'bool') {
      const lower = value.toLowerCase();
      if (['y', 'yes', 'true', 'on'].includes(lower)) return true;
      if (['n', 'no', 'false', 'off'].includes(lower)) return false;
      problems.push({ path, message: `"${value}" is not a boolean (true or false)` });
      return value;
    }
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (cast === 'int' && !Number.isInteger(n))) {
      problems.push({ path, message: `"${value}" is not ${cast === 'int' ? 'a whole number' : 'a number'}` });
      return value;
    }
    return n;
  }
  if (Array.isArray(value)) return value.map((v, i) => castTypes(v, [...path, i], problems));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, castTypes(v, [...path, k], problems)]));
  return value;
}
