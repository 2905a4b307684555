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
  /** Origins allowed by CORS; empty: CORS off. */
  readonly corsOrigins: string[];

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
    this.corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  }
}
