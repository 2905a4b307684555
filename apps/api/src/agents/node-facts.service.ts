import { Injectable } from '@nestjs/common';
import type { NodeDiskUse, NodeImage, TaskLogLine } from '@app/swarm';
import { AgentDirectory } from './agent-directory';
import { NodeDiskDto, NodeImageDto, TaskLogsDto, toNodeDiskDto, toNodeImageDto, toTaskLogsDto } from './usage.dto';

/** Node facts only the node's agent can give: data-root disk use, images present, logs of any task container there. */
@Injectable()
export class NodeFactsService {
  constructor(private readonly agents: AgentDirectory) {}

  async disk(id: string): Promise<NodeDiskDto> {
    const s = await this.agents.statusFor(id);
    const d = await this.agents.json<NodeDiskUse & { dataRoot: string }>(s.nodeId, '/v1/disk');
    return toNodeDiskDto(s.nodeId, s.hostname, d);
  }

  async images(id: string): Promise<NodeImageDto[]> {
    const s = await this.agents.statusFor(id);
    return (await this.agents.json<NodeImage[]>(s.nodeId, '/v1/images')).map(toNodeImageDto);
  }

  async taskLogs(id: string, taskId: string, tail = 200): Promise<TaskLogsDto> {
    const s = await this.agents.statusFor(id);
    const answer = await this.agents.json<{ lines: TaskLogLine[] }>(s.nodeId, `/v1/tasks/${encodeURIComponent(taskId)}/logs?tail=${tail}`);
    return toTaskLogsDto(s.nodeId, s.hostname, taskId, answer.lines);
  }
}
