import { readFileSync } from 'node:fs';
import { DockerConnection, parseDockerHost } from '@app/swarm';

export const DEFAULT_AGENT_PORT = 9102;
export const DEFAULT_AGENT_SECRET_FILE = '/run/secrets/agent_secret';
/** Shorter secrets are refused: the secret is the agent's only lock. */
export const MIN_SECRET_LENGTH = 16;

export interface AgentConfig {
  port: number;
  host: string;
  secretFile: string;
  docker: { connection: DockerConnection; timeoutMs: number };
  /** How often the running containers are listed for new stats streams. */
  refreshMs: number;
  logLevel: string;
}

export class AgentConfigError extends Error {}

/** The agent's configuration from its environment; throws one AgentConfigError naming every bad variable. */
export function agentConfig(env: Record<string, string | undefined> = process.env): AgentConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`  ${name}=${JSON.stringify(raw)}: must be a whole number between ${min} and ${max}`);
      return fallback;
    }
    return n;
  };
  const port = int('AGENT_PORT', DEFAULT_AGENT_PORT, 1, 65535);
  const timeoutMs = int('DOCKER_TIMEOUT_MS', 5000, 100, 600_000);
  const refreshMs = int('AGENT_REFRESH_MS', 3000, 500, 60_000);
  let connection: DockerConnection = { kind: 'unix', socketPath: '/var/run/docker.sock' };
  try {
    connection = parseDockerHost(env.DOCKER_HOST, env.DOCKER_TLS_VERIFY, env.DOCKER_CERT_PATH);
  } catch (err) {
    problems.push(`  DOCKER_HOST=${JSON.stringify(env.DOCKER_HOST)}: ${(err as Error).message}`);
  }
  if (problems.length) throw new AgentConfigError(`Invalid agent configuration:\n${problems.join('\n')}`);
  return {
    port,
    host: env.AGENT_HOST || '0.0.0.0',
    secretFile: env.AGENT_SECRET_FILE || DEFAULT_AGENT_SECRET_FILE,
    docker: { connection, timeoutMs },
    refreshMs,
    logLevel: env.LOG_LEVEL || 'info',
  };
}

/**
 * The shared secret, from a file (a Docker secret), never from the environment.
 * A missing, empty or short file is an AgentConfigError: an agent without a
 * secret must not start, since it would have to answer anyone or no one.
 */
export function readAgentSecret(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AgentConfigError(
      `The agent secret file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ` +
        'give the agent service the Docker secret "agent_secret" (or set AGENT_SECRET_FILE); the agent does not start without it',
    );
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new AgentConfigError(
      `The agent secret in ${file} is ${secret.length} characters long: it must have at least ${MIN_SECRET_LENGTH}`,
    );
  }
  return secret;
}
