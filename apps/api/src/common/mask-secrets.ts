import { isSecretKey, MASK, maskYamlSecrets } from '@app/catalog';

// The rule and the mask are the catalog library's, so YAML, stack variables and JSON answers agree.
export { isSecretKey, MASK };

/** `KEY=value` with the value masked when the key looks secret; a bare `KEY` (no value) is kept. */
export function maskEnvEntry(entry: string): string {
  const eq = entry.indexOf('=');
  if (eq < 0) return entry;
  return isSecretKey(entry.slice(0, eq)) ? `${entry.slice(0, eq)}=${MASK}` : entry;
}

/**
 * An environment as compose or the Engine writes it — a map (`{ DB_PASSWORD: 'x' }`)
 * or a list (`['DB_PASSWORD=x']`) — with the values of secret-looking keys masked.
 * Returns a copy of the same shape; anything else is returned as is.
 */
export function maskEnvironment<T>(env: T): T {
  if (Array.isArray(env)) return env.map((e) => (typeof e === 'string' ? maskEnvEntry(e) : e)) as T;
  if (env && typeof env === 'object') {
    return Object.fromEntries(
      Object.entries(env as Record<string, unknown>).map(([k, v]) => [
        k,
        isSecretKey(k) && v !== null && v !== undefined && v !== '' ? MASK : v,
      ]),
    ) as T;
  }
  return env;
}

const ENV_FIELD = /^(environment|env)$/i;

/**
 * Fields holding a URL whose path or query may be the credential itself: a Slack
 * or Discord incoming webhook (`/services/T…/B…/<secret>`), an ntfy topic, a
 * generic webhook with a token in its query. Their key says nothing secret, so
 * the value is looked at: anything past the origin (and any user:password) is masked.
 */
const URL_FIELD = /^(url|webhook_?url|hook_?url)$/i;

/** `https://hooks.slack.com/********`: scheme and host kept (which service it is), the rest masked; undefined when nothing to mask. */
function maskUrlCredentials(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const hasMore = (u.pathname !== '/' && u.pathname !== '') || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '';
  return hasMore ? `${u.origin}/${MASK}` : undefined;
}

/** A URL field sent back as masked (`https://host/********`) whose stored value has that origin: the stored value is meant. */
function isMaskedUrlOf(key: string, value: unknown, stored: unknown): boolean {
  return URL_FIELD.test(key) && typeof value === 'string' && typeof stored === 'string' && value === maskUrlCredentials(stored);
}

/**
 * A deep copy of `value` with every secret masked: fields whose key looks secret
 * (a string or number value), and the entries of any `environment` / `Env`
 * list or map. For answers (a service's spec, a definition) and the audit log.
 * Multi-line strings (YAML text) are masked as YAML (`KEY: value` and `- KEY=value`, see maskYamlSecrets).
 */
export function maskSecrets<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (depth > 32) return value;
  if (typeof value === 'string') return value.includes('\n') ? maskYamlSecrets(value) : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  if (!value || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (ENV_FIELD.test(k) && (Array.isArray(v) || (v && typeof v === 'object'))) out[k] = maskEnvironment(v);
    else if (isSecretKey(k) && (typeof v === 'string' || typeof v === 'number') && v !== '') out[k] = MASK;
    else if (URL_FIELD.test(k) && typeof v === 'string' && maskUrlCredentials(v)) out[k] = maskUrlCredentials(v);
    else out[k] = walk(v, depth + 1);
  }
  return out;
}

/**
 * The inverse for edits: `incoming` (e.g. a definition the web app got masked
 * and sends back) with every value still equal to MASK replaced by the value at
 * the same place in `stored`, so a read-edit-write round trip keeps secrets.
 * Environment lists match by key; other fields by key or index.
 */
export function restoreMaskedSecrets<T>(incoming: T, stored: unknown): T {
  return restore(incoming, stored, 0) as T;
}

function restore(incoming: unknown, stored: unknown, depth: number): unknown {
  if (depth > 32 || stored === undefined || stored === null) return incoming;
  if (Array.isArray(incoming)) {
    const storedList = Array.isArray(stored) ? stored : [];
    const byKey = new Map(
      storedList.filter((s): s is string => typeof s === 'string' && s.includes('=')).map((s) => [s.slice(0, s.indexOf('=')), s]),
    );
    return incoming.map((item, i) => {
      if (typeof item === 'string' && item.endsWith(`=${MASK}`)) return byKey.get(item.slice(0, -MASK.length - 1)) ?? item;
      return restore(item, storedList[i], depth + 1);
    });
  }
  if (incoming && typeof incoming === 'object') {
    const from = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
    return Object.fromEntries(
      Object.entries(incoming as Record<string, unknown>).map(([k, v]) => [
        k,
        v === MASK && k in from ? from[k] : isMaskedUrlOf(k, v, from[k]) ? from[k] : restore(v, from[k], depth + 1),
      ]),
    );
  }
  return incoming;
}
