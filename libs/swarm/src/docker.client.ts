import { Inject, Injectable } from '@nestjs/common';
import type Docker from 'dockerode';
import { DomainError } from '@app/common';
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

  /**
   * Runs one Engine call, mapping failures to domain errors that name `what`.
   * The deadline is ours as well as the modem's: the modem's is a socket idle
   * timeout, which a slow ssh handshake escapes and which reports a hung daemon
   * as a bare "socket hang up".
   */
  async run<T>(what: string, fn: (docker: Docker) => Promise<T>): Promise<T> {
    const bound = this.options.timeoutMs;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      if (bound > 0) timer = setTimeout(() => reject(this.timedOut(what, bound)), bound);
    });
    try {
      return await Promise.race([fn(this.api), deadline]);
    } catch (err) {
      const e = err as { statusCode?: number };
      if (bound > 0 && e.statusCode === undefined && !(err instanceof DomainError) && Date.now() - started >= bound) {
        throw this.timedOut(what, bound, err);
      }
      throw toSwarmError(err, what, this.endpoint);
    } finally {
      clearTimeout(timer);
    }
  }

  private timedOut(what: string, bound: number, cause?: unknown): DomainError {
    return new DomainError(
      'UNAVAILABLE',
      `Docker at ${this.endpoint} did not answer within ${bound} ms (${what})`,
      undefined,
      cause ? { cause } : undefined,
    );
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
