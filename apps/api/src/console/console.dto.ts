import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { AgentStatus } from '../agents/agent-directory';
import { CONSOLE_PATH, CONSOLE_PROTOCOL } from './console.constants';
import type { ConsoleTarget } from './console.service';

export class TaskIdParams {
  @ApiProperty({ description: 'the task id (list_tasks, a service or node page)' })
  @IsString()
  @Matches(/^[a-z0-9]{1,64}$/i, { message: 'taskId must be a task id (letters and digits)' })
  taskId: string;
}

/** What a console would open into, and where: read before opening the WebSocket, so a refusal has a status and a message. */
export class ConsoleTargetDto {
  @ApiProperty() taskId: string;
  @ApiPropertyOptional({ example: 'web' }) serviceName?: string;
  @ApiPropertyOptional({ example: 1 }) slot?: number;
  @ApiProperty() nodeId: string;
  @ApiProperty({ example: 'rog1' }) nodeHostname: string;
  @ApiPropertyOptional() containerId?: string;
  @ApiProperty({ enum: ['connected', 'unreachable', 'no-agent'], description: "the node's agent, which runs the command" })
  agent: 'connected' | 'unreachable' | 'no-agent';
  @ApiPropertyOptional({ description: 'why the agent is not connected' }) agentReason?: string;
  @ApiProperty({
    example: '/api/console/tasks/abc/session',
    description: `the WebSocket to open: subprotocols "${CONSOLE_PROTOCOL}" and "bearer.<base64url of the token>" (or an Authorization header); query command (as typed, default sh), cols, rows`,
  })
  sessionPath: string;
}

export function toConsoleTargetDto(t: ConsoleTarget, agent: AgentStatus): ConsoleTargetDto {
  return {
    taskId: t.taskId,
    serviceName: t.serviceName,
    slot: t.slot,
    nodeId: t.nodeId,
    nodeHostname: t.nodeHostname,
    containerId: t.containerId,
    agent: agent.state,
    agentReason: agent.reason,
    sessionPath: CONSOLE_PATH.replace(':taskId', encodeURIComponent(t.taskId)),
  };
}
