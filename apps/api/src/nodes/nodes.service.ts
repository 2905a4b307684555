import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { NodeSummary, SwarmNodes, SwarmServices } from '@app/swarm';
import type { DeploymentPlanDto } from '../services/deployment-plan.dto';
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

  /** What a drain would do, changing nothing: the refusal it would meet, or the tasks that would move, by service. */
  async planDrain(id: string, force = false): Promise<DeploymentPlanDto> {
    const node = await this.nodes.checkAvailability(id, 'drain', { force });
    const changes = node.availability === 'drain' ? [] : [{ path: 'Spec.Availability', definition: 'drain', deployed: node.availability }];
    const tasks = (await this.services.tasksOnNode(node.id, node.hostname)).filter((t) => t.desiredState === 'running');
    const perService = new Map<string, number>();
    for (const t of tasks) perService.set(t.serviceName ?? t.serviceId, (perService.get(t.serviceName ?? t.serviceId) ?? 0) + 1);
    const losing = [...perService].map(([service, n]) => `${service} (${n})`).join(', ');
    const summary = !changes.length
      ? `node ${node.hostname} is already drained`
      : tasks.length
        ? `would move ${tasks.length} task(s) off ${node.hostname}: ${losing}`
        : `would drain ${node.hostname}; no task runs there`;
    return { dryRun: true, name: node.hostname, action: changes.length ? 'drain' : 'none', summary, changes, tasks: tasks.map(toTaskDto) };
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
