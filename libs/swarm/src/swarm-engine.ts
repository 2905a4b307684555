import { Injectable } from '@nestjs/common';
import { DockerClient } from './docker.client';

export interface EngineInfo {
  endpoint: string;
  engineVersion: string;
  apiVersion: string;
  os: string;
  architecture: string;
  swarm: { state: string; controlAvailable: boolean; nodeId?: string; managers?: number; nodes?: number };
}

@Injectable()
export class SwarmEngine {
  constructor(private readonly docker: DockerClient) {}

  get endpoint(): string {
    return this.docker.endpoint;
  }

  /** Engine API calls made so far (tests and benchmarks count them). */
  get callCount(): number {
    return this.docker.callCount;
  }

  async ping(): Promise<void> {
    await this.docker.run('ping', (d) => d.ping());
  }

  async info(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([this.docker.run('info', (d) => d.info()), this.docker.run('version', (d) => d.version())]);
    return {
      endpoint: this.docker.endpoint,
      engineVersion: version.Version,
      apiVersion: version.ApiVersion,
      os: info.OperatingSystem,
      architecture: info.Architecture,
      swarm: {
        state: info.Swarm?.LocalNodeState,
        controlAvailable: Boolean(info.Swarm?.ControlAvailable),
        nodeId: info.Swarm?.NodeID,
        managers: info.Swarm?.Managers,
        nodes: info.Swarm?.Nodes,
      },
    };
  }
}
