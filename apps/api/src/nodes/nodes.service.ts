import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { NodeSummary, SwarmNodes, SwarmServices } from '@app/swarm';
import { TaskDto, toTaskDto } from '../services/live-service.dto';
import { labelProblems, NodeDto, toNodeDto } from './node.dto';

/** Nodes for the REST API and the MCP tools: one code path for both. */
@Injectable()
export class NodesService {
  constructor(
    private readonly nodes: SwarmNodes,
    private readonly services: SwarmServices,
  ) {}

  async listNodes(): Promise<NodeDto[]> {
    const [nodes, usage] = await Promise.all([this.nodes.list(), this.nodes.usage()]);
    return nodes.map((n) => toNodeDto(n, usage.get(n.id)));
  }

  async getNode(id: string): Promise<NodeDto> {
    const [node, usage] = await Promise.all([this.nodes.inspect(id), this.nodes.usage()]);
    return toNodeDto(node, usage.get(node.id));
  }

  /** The tasks on a node: what a drain would move. */
  async listNodeTasks(id: string): Promise<TaskDto[]> {
    const node = await this.nodes.inspect(id);
    return (await this.services.tasksOnNode(node.id, node.hostname)).map(toTaskDto);
  }

  async drainNode(id: string, force = false): Promise<NodeDto> {
    return this.withUsage(await this.nodes.setAvailability(id, 'drain', { force }));
  }

  async activateNode(id: string): Promise<NodeDto> {
    return this.withUsage(await this.nodes.setAvailability(id, 'active'));
  }

  async updateNodeLabels(id: string, change: { add?: Record<string, string>; remove?: string[] }): Promise<NodeDto> {
    const problems = labelProblems(change.add);
    if (problems.length) throw new DomainError('INVALID', problems.join('; '));
    if (!change.add && !change.remove) throw new DomainError('INVALID', 'add or remove: give at least one label to add or remove');
    return this.withUsage(await this.nodes.updateLabels(id, change));
  }

  private async withUsage(node: NodeSummary): Promise<NodeDto> {
    return toNodeDto(node, (await this.nodes.usage()).get(node.id));
  }
}
