import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { DockerClient } from '../docker.client';

/** A task of the node agent's service, with the overlay address the app reaches it on. */
export interface AgentTask {
  taskId: string;
  nodeId: string;
  state: string;
  desiredState: string;
  /** The task's address on its first non-ingress network, without the prefix length. */
  address?: string;
  updatedAt?: string;
}

interface EngineAgentTask {
  ID: string;
  NodeID?: string;
  DesiredState?: string;
  UpdatedAt?: string;
  Status?: { State?: string };
  NetworksAttachments?: Array<{ Network?: { Spec?: { Name?: string; Ingress?: boolean } }; Addresses?: string[] }>;
}

/**
 * Finds the node agents the way Swarmpit does: the tasks of the agent's global
 * service and their addresses on the shared overlay network (service VIPs are
 * not used: each node's own agent must answer, not any of them).
 */
@Injectable()
export class SwarmAgentTasks {
  constructor(private readonly docker: DockerClient) {}

  /** The service's tasks meant to run; [] when the service does not exist. */
  async list(serviceName: string): Promise<AgentTask[]> {
    const tasks = await this.docker
      .run(
        `tasks of the agent service "${serviceName}"`,
        (d) =>
          d.listTasks({ filters: JSON.stringify({ service: [serviceName], 'desired-state': ['running'] }) }) as Promise<EngineAgentTask[]>,
      )
      // the Engine answers 404 for a service filter naming no service: the swarm simply has no agents
      .catch((err: unknown) => {
        if (err instanceof DomainError && err.code === 'NOT_FOUND') return [];
        throw err;
      });
    return tasks.map(toAgentTask);
  }
}

export function toAgentTask(t: EngineAgentTask): AgentTask {
  const attachment = (t.NetworksAttachments ?? []).find((a) => a.Network?.Spec?.Ingress !== true && (a.Addresses?.length ?? 0) > 0);
  return {
    taskId: t.ID,
    nodeId: t.NodeID ?? '',
    state: t.Status?.State ?? 'unknown',
    desiredState: t.DesiredState ?? 'unknown',
    address: attachment?.Addresses?.[0]?.replace(/\/\d+$/, ''),
    updatedAt: t.UpdatedAt,
  };
}
