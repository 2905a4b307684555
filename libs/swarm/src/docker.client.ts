import { Inject, Injectable } from '@nestjs/common';
import type Docker from 'dockerode';
import { DockerConnection } from './docker-connection';
import { createDockerode } from './dockerode.factory';
import { toSwarmError } from './swarm-error';
import { SWARM_OPTIONS, SwarmOptions } from './swarm.options';

/**
 * The adapter around dockerode. `api` bounds every call by the configured
 * timeout; `streams` has no idle timeout, for follow-mode logs and /events.
 * Every Engine request is counted, so tests and benchmarks can prove how many
 * calls a feature costs.
 */
@Injectable()
export class DockerClient {
  readonly api: Docker;
  readonly streams: Docker;
  readonly endpoint: string;
  private calls = 0;

  constructor(@Inject(SWARM_OPTIONS) readonly options: SwarmOptions) {
    this.api = this.counted(createDockerode(options.connection, options.timeoutMs));
    this.streams = this.counted(createDockerode(options.connection, 0));
    this.endpoint = describe(options.connection);
  }

  /** Engine API requests made so far by this client. */
  get callCount(): number {
    return this.calls;
  }

  /** Runs one Engine call, mapping failures to domain errors that name `what`. */
  async run<T>(what: string, fn: (docker: Docker) => Promise<T>): Promise<T> {
    try {
      return await fn(this.api);
    } catch (err) {
      throw toSwarmError(err, what, this.endpoint);
    }
  }

  private counted(docker: Docker): Docker {
    const modem = docker.modem as unknown as { dial: (...args: unknown[]) => unknown };
    const dial = modem.dial.bind(modem);
    modem.dial = (...args: unknown[]) => {
      this.calls++;
      return dial(...args);
    };
    return docker;
  }
}

function describe(c: DockerConnection): string {
  switch (c.kind) {
    case 'unix':
      return `unix://${c.socketPath}`;
    case 'tcp':
      return `tcp://${c.host}:${c.port}${c.tls ? ' (TLS)' : ''}`;
    case 'ssh':
      return `ssh://${c.username ? `${c.username}@` : ''}${c.host}:${c.port}`;
  }
}
