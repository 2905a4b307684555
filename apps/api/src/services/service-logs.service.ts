import { Injectable } from '@nestjs/common';
import { LogLine, LogOptions, SwarmLogs, SwarmServices } from '@app/swarm';

/** A deployed service's logs, and whether it is (still) deployed: what the log routes and streams need. */
@Injectable()
export class ServiceLogsService {
  constructor(
    private readonly swarmLogs: SwarmLogs,
    private readonly services: SwarmServices,
  ) {}

  logs(name: string, opts: LogOptions): AsyncGenerator<LogLine> {
    return this.swarmLogs.logs(name, opts);
  }

  /** NOT_FOUND naming the service when the swarm does not run it. */
  async ensureDeployed(name: string): Promise<void> {
    await this.services.inspect(name);
  }

  /** Whether the swarm runs the service; UNAVAILABLE when Docker does not answer. */
  isDeployed(name: string): Promise<boolean> {
    return this.services.exists(name);
  }
}
