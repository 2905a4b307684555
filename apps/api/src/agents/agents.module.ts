import { Module } from '@nestjs/common';
import { AgentDirectory } from './agent-directory';
import { AgentSecret } from './agent-secret';

/** The node agents: where they are, whether they answer, and what they report. */
@Module({
  providers: [AgentSecret, AgentDirectory],
  exports: [AgentDirectory, AgentSecret],
})
export class AgentsModule {}
