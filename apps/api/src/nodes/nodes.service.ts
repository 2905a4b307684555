import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { SwarmNodes } from '@app/swarm';
import { labelProblems, NodeDto, toNodeDto } from './node.dto';

/** Nodes for the REST API and the MCP tools: one code path for both. */
@Injectable()
export class NodesService {
  constructor(private readonly nodes: SwarmNodes) {}

  async listNodes(): Promise<NodeDto[]> {
    return (await this.nodes.list()).map(toNodeDto);
  }

  async getNode(id: string): Promise<NodeDto> {
    return toNodeDto(await this.nodes.inspect(id));
  }

  async drainNode(id: string, force = false): Promise<NodeDto> {
    return toNodeDto(await this.nodes.setAvailability(id, 'drain', { force }));
  }

  async activateNode(id: string): Promise<NodeDto> {
    return toNodeDto(await this.nodes.setAvailability(id, 'active'));
  }

  async updateNodeLabels(id: string, change: { add?: Record<string, string>; remove?: string[] }): Promise<NodeDto> {
    const problems = labelProblems(change.add);
    if (problems.length) throw new DomainError('INVALID', problems.join('; '));
    if (!change.add && !change.remove) throw new DomainError('INVALID', 'add or remove: give at least one label to add or remove');
    return toNodeDto(await this.nodes.updateLabels(id, change));
  }
}
