import { Injectable } from '@nestjs/common';
import { resolve } from 'node:path';
import { DockerConnection, parseDockerHost } from '@app/swarm';
import { Environment } from './environment';

/** The typed configuration every module reads; built once from the validated environment. */
@Injectable()
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly production: boolean;
  readonly logLevel: string;
  readonly docker: { connection: DockerConnection; timeoutMs: number };
  readonly registry: { url?: string; username?: string; password?: string; timeoutMs: number };
  readonly dataDir: string;
  readonly definitionsDir: string;
  readonly webDistDir: string;
  readonly healthPollIntervalSeconds: number;
  readonly auth: { adminToken?: string; failedAttemptsLimit: number };
  /** Image lifecycle: registry notifications, the tag poll, the redeploy debounce. */
  readonly images: { notifySecret?: string; pollIntervalSeconds: number; redeployDebounceMs: number };
  /** The console (exec into tasks): whether the audit keeps keystrokes. */
  readonly console: { auditKeystrokes: boolean };
  /** Origins allowed by CORS; empty: CORS off. */
  readonly corsOrigins: string[];
  readonly mcp: { readOnly: boolean };
  /** The node agents: their service, the secret file, their port, the usage sample interval. */
  readonly agents: { service: string; secretFile: string; port: number; sampleIntervalMs: number };

  constructor(env: Environment) {
    this.port = env.PORT;
    this.host = env.HOST ?? '0.0.0.0';
    this.production = env.NODE_ENV === 'production';
    this.logLevel = env.LOG_LEVEL;
    this.docker = {
      connection: parseDockerHost(env.DOCKER_HOST, env.DOCKER_TLS_VERIFY, env.DOCKER_CERT_PATH),
      timeoutMs: env.DOCKER_TIMEOUT_MS,
    };
    this.registry = {
      url: env.REGISTRY_URL?.replace(/\/+$/, ''),
      username: env.REGISTRY_USERNAME,
      password: env.REGISTRY_PASSWORD,
      timeoutMs: env.DOCKER_TIMEOUT_MS,
    };
    this.dataDir = resolve(env.DATA_DIR);
    this.definitionsDir = resolve(env.DEFINITIONS_DIR);
    this.webDistDir = resolve(env.WEB_DIST_DIR ?? 'apps/web/dist');
    this.healthPollIntervalSeconds = env.HEALTH_POLL_INTERVAL;
    this.auth = { adminToken: env.ADMIN_TOKEN, failedAttemptsLimit: env.AUTH_RATE_LIMIT };
    this.images = {
      notifySecret: env.REGISTRY_NOTIFY_SECRET,
      pollIntervalSeconds: env.REGISTRY_POLL_INTERVAL ?? (env.REGISTRY_NOTIFY_SECRET ? 0 : 300),
      redeployDebounceMs: env.REGISTRY_REDEPLOY_DEBOUNCE_MS,
    };
    this.console = { auditKeystrokes: env.CONSOLE_AUDIT_KEYSTROKES === 'true' };
    this.corsOrigins = (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    this.mcp = { readOnly: env.MCP_READ_ONLY === 'true' };
    this.agents = {
      service: env.AGENT_SERVICE ?? 'orchestrator_agent',
      secretFile: env.AGENT_SECRET_FILE ?? '/run/secrets/agent_secret',
      port: env.AGENT_PORT,
      sampleIntervalMs: env.USAGE_SAMPLE_INTERVAL * 1000,
    };
  }
}
