import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ConsoleService } from './console.service';

/** exec into tasks on any node, through the agent on the task's node: for the MCP tool (stdio too) and the HTTP console. */
@Module({
  imports: [AgentsModule],
  providers: [ConsoleService],
  exports: [ConsoleService],
})
export class ConsoleModule {}
