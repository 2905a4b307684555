import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { SwarmServices } from '@app/swarm';
import { AgentDirectory } from './agent-directory';
import { sumPoints, UsageRange } from './usage-history';
import {
  AgentStatusDto,
  NodeUsageDto,
  ServiceUsageDto,
  TopUsageDto,
  toAgentStatusDto,
  toContainerUsageDto,
  toGpuDto,
  toPointDtos,
} from './usage.dto';
import { figures, UsageService } from './usage.service';

/** The usage routes' answers, read from the sampler's memory (no agent or Engine call per request, but a service's existence). */
@Injectable()
export class UsageQueries {
  constructor(
    private readonly agents: AgentDirectory,
    private readonly usage: UsageService,
    private readonly services: SwarmServices,
  ) {}

  async agentsList(): Promise<AgentStatusDto[]> {
    return (await this.agents.list()).map(toAgentStatusDto);
  }

  async nodeUsage(id: string, range: UsageRange = '1h'): Promise<NodeUsageDto> {
    const agent = await this.agents.statusFor(id);
    const now = this.usage.nodeNow(agent.nodeId);
    return {
      nodeId: agent.nodeId,
      hostname: agent.hostname,
      agent: toAgentStatusDto(agent),
      range,
      sampledAt: now?.sampledAt,
      cpus: now?.cpus,
      memoryTotalBytes: now?.memoryTotalBytes,
      current: now ? figures(now.total) : undefined,
      containers: (now?.containers ?? []).map(toContainerUsageDto).sort((a, b) => b.cpuPercent - a.cpuPercent),
      gpu: now ? toGpuDto(now.gpu) : undefined,
      history: toPointDtos(this.usage.nodeHistory(agent.nodeId, range)),
    };
  }

  async serviceUsage(name: string, range: UsageRange = '1h'): Promise<ServiceUsageDto> {
    const replicas = this.usage.replicasOf(name);
    const history = this.usage.serviceHistory(name, range);
    if (replicas.length === 0 && history.length === 0 && !(await this.services.exists(name))) {
      throw new DomainError('NOT_FOUND', `service "${name}" not found`);
    }
    const statuses = await this.agents.list();
    return {
      service: name,
      range,
      current: figures(
        sumPoints(
          Date.now(),
          replicas.map((r) => figures(r.container)),
        ),
      ),
      replicas: replicas
        .map(({ node, container }) => ({
          taskId: container.taskId ?? container.containerId,
          taskName: container.taskName,
          containerId: container.containerId,
          nodeId: node.nodeId,
          hostname: node.hostname,
          current: figures(container),
          history: toPointDtos(container.taskId ? this.usage.taskHistory(container.taskId, range) : []),
        }))
        .sort((a, b) => (a.taskName ?? a.taskId).localeCompare(b.taskName ?? b.taskId)),
      history: toPointDtos(history),
      nodesWithoutFigures: statuses.filter((s) => !this.usage.nodeNow(s.nodeId)).map((s) => s.hostname),
    };
  }

  top(by: 'cpu' | 'memory' = 'cpu', limit = 10): TopUsageDto {
    const key = by === 'cpu' ? 'cpuPercent' : 'memoryBytes';
    const nodes = this.usage.nodesNow();
    const tasks = nodes.flatMap((n) =>
      n.containers
        .filter((c) => c.serviceName && c.taskId)
        .map((c) => ({ service: c.serviceName!, taskId: c.taskId!, taskName: c.taskName, hostname: n.hostname, ...figures(c) })),
    );
    const byService = new Map<string, typeof tasks>();
    for (const t of tasks) byService.set(t.service, [...(byService.get(t.service) ?? []), t]);
    const services = [...byService.entries()].map(([service, list]) => {
      const { t: _t, ...sum } = sumPoints(0, list.map(figures));
      void _t;
      return { service, replicas: list.length, ...sum };
    });
    return {
      by,
      nodes: nodes.length,
      services: services.sort((a, b) => b[key] - a[key]).slice(0, limit),
      tasks: tasks.sort((a, b) => b[key] - a[key]).slice(0, limit),
    };
  }
}
