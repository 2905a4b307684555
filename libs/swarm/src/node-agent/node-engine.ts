import { DockerClient } from '../docker.client';
import { DockerConnection } from '../docker-connection';

/** Who the node is, as its own Engine says. */
export interface NodeIdentity {
  /** The swarm node id ('' when the Engine is not in a swarm). */
  nodeId: string;
  hostname: string;
  cpus: number;
  memoryBytes: number;
  engineVersion: string;
  dataRoot: string;
}

interface EngineInfo {
  Name?: string;
  NCPU?: number;
  MemTotal?: number;
  ServerVersion?: string;
  DockerRootDir?: string;
  Swarm?: { NodeID?: string };
}

/**
 * The node agent's handle on its own node's Engine (the local socket): the
 * same adapter the app uses, made without Nest. Node-local operations
 * (stats, disk use, images, logs, exec) take its `client`.
 */
export class NodeEngine {
  readonly client: DockerClient;

  constructor(connection: DockerConnection, timeoutMs: number) {
    this.client = new DockerClient({ connection, timeoutMs });
  }

  async identity(): Promise<NodeIdentity> {
    const info = await this.client.run('info', (d) => d.info() as Promise<EngineInfo>);
    return {
      nodeId: info.Swarm?.NodeID ?? '',
      hostname: info.Name ?? '',
      cpus: info.NCPU ?? 0,
      memoryBytes: info.MemTotal ?? 0,
      engineVersion: info.ServerVersion ?? '',
      dataRoot: info.DockerRootDir ?? '',
    };
  }
}
