import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';
import { parseDockerHost } from '@app/swarm';
import { isSecretKey, MASK } from '../common/mask-secrets';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

/**
 * Every environment variable the app reads, with its rule and default. Parsed
 * once at boot; a bad value stops start-up with one message naming every bad
 * variable (see validateEnvironment).
 */
export class Environment {
  @Transform(toInt)
  @Min(1, { message: 'must be between 1 and 65535' })
  @Max(65535, { message: 'must be between 1 and 65535' })
  @IsInt({ message: 'must be an integer port number' }) // the lowest rule is checked first
  PORT: number = 8080;

  @IsOptional() @IsString() HOST?: string;

  /** Validated by parseDockerHost below, which knows the CLI's rules. */
  @IsOptional() @IsString() DOCKER_HOST?: string;
  @IsOptional() @IsString() DOCKER_TLS_VERIFY?: string;
  @IsOptional() @IsString() DOCKER_CERT_PATH?: string;

  @Transform(toInt)
  @Min(100, { message: 'must be at least 100 (milliseconds)' })
  @IsInt({ message: 'must be a number of milliseconds' })
  DOCKER_TIMEOUT_MS: number = 5000;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http:// or https:// URL' })
  REGISTRY_URL?: string;
  @IsOptional() @IsString() REGISTRY_USERNAME?: string;
  @IsOptional() @IsString() REGISTRY_PASSWORD?: string;

  @IsString() @MinLength(1, { message: 'must not be empty' }) DATA_DIR: string = './data';
  @IsString() @MinLength(1, { message: 'must not be empty' }) DEFINITIONS_DIR: string = './definitions';
  @IsOptional() @IsString() WEB_DIST_DIR?: string;

  @Transform(toInt)
  @Min(1, { message: 'must be at least 1 (second)' })
  @Max(3600, { message: 'must be at most 3600 (seconds)' })
  @IsInt({ message: 'must be a whole number of seconds' })
  HEALTH_POLL_INTERVAL: number = 10;

  /** Sets the admin token instead of generating one into DATA_DIR/admin-token on first start. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @MaxLength(512, { message: 'must be at most 512 characters' })
  ADMIN_TOKEN?: string;

  /** Comma-separated origins allowed to call the API from a browser; unset: no CORS headers at all. */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[^\s,/]+\s*(,\s*https?:\/\/[^\s,/]+\s*)*$/, {
    message: 'must be comma-separated origins like https://ops.example.com',
  })
  CORS_ORIGINS?: string;

  @Transform(toInt)
  @Min(0, { message: 'must be 0 (off) or more' })
  @IsInt({ message: 'must be a whole number of failed attempts' })
  AUTH_RATE_LIMIT: number = 10;

  /** Only read tools over MCP (stdio and HTTP), whatever the token's role. */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  MCP_READ_ONLY?: string;
  /** Console sessions: keep what the user typed in the audit entry (off: who, which task, command, start, end only). */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  CONSOLE_AUDIT_KEYSTROKES?: string;
  /** The shared secret the registry sends in the X-Registry-Secret header of its notifications; unset: notifications are refused. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @MaxLength(512, { message: 'must be at most 512 characters' })
  REGISTRY_NOTIFY_SECRET?: string;

  /** Seconds between polls of the tags services run; 0: off. Unset: off when REGISTRY_NOTIFY_SECRET is set, else 300. */
  @IsOptional()
  @Transform(toInt)
  @Min(0, { message: 'must be 0 (off) or more' })
  @Max(86400, { message: 'must be at most 86400 (seconds)' })
  @IsInt({ message: 'must be a whole number of seconds' })
  REGISTRY_POLL_INTERVAL?: number;

  /** A burst of pushes of one tag redeploys once, this long after the last one. */
  @Transform(toInt)
  @Min(0, { message: 'must be 0 or more (milliseconds)' })
  @Max(600000, { message: 'must be at most 600000 (milliseconds)' })
  @IsInt({ message: 'must be a whole number of milliseconds' })
  REGISTRY_REDEPLOY_DEBOUNCE_MS: number = 1000;

  /** The node agents' global service (`<stack>_agent`), found by its tasks. */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, { message: 'must be a service name' })
  AGENT_SERVICE?: string;
  /** The file holding the secret the agents expect (a Docker secret). */
  @IsOptional() @IsString() AGENT_SECRET_FILE?: string;
  @Transform(toInt)
  @Min(1, { message: 'must be between 1 and 65535' })
  @Max(65535, { message: 'must be between 1 and 65535' })
  @IsInt({ message: 'must be an integer port number' })
  AGENT_PORT: number = 9102;
  /** Seconds between two usage samples read from the agents. */
  @Transform(toInt)
  @Min(1, { message: 'must be between 1 and 60 (seconds)' })
  @Max(60, { message: 'must be between 1 and 60 (seconds)' })
  @IsInt({ message: 'must be a whole number of seconds' })
  USAGE_SAMPLE_INTERVAL: number = 3;

  @IsIn(['development', 'production', 'test'], { message: 'must be development, production or test' })
  NODE_ENV: string = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino level (fatal … trace, silent)' })
  LOG_LEVEL: string = 'info';
}

export class ConfigurationError extends Error {}

/** Returns the validated environment, or throws one ConfigurationError listing every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const problems = validateSync(env, { stopAtFirstError: true }).map(
    (e) =>
      `  ${e.property}=${isSecretKey(e.property) ? JSON.stringify(MASK) : JSON.stringify(defined[e.property] ?? '')}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  try {
    parseDockerHost(env.DOCKER_HOST, env.DOCKER_TLS_VERIFY, env.DOCKER_CERT_PATH);
  } catch (err) {
    problems.push(`  DOCKER_HOST=${JSON.stringify(env.DOCKER_HOST)}: ${(err as Error).message.replace(/^"[^"]*": /, '')}`);
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration (${problems.length} variable(s)):\n${problems.join('\n')}`);
  }
  return env;
}

/**
 * For the entry points: validates before Nest starts, so a bad variable is one
 * clear message on stderr and exit code 1, not a dependency-injection stack trace.
 */
export function validateEnvironmentOrExit(env: Record<string, unknown> = process.env): void {
  try {
    validateEnvironment(env);
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
