import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AgentsModule } from '../agents/agents.module';
import { AuthModule } from '../auth/auth.module';
import { ConsoleAudit } from './console-audit';
import { ConsoleController } from './console.controller';
import { ConsoleGateway } from './console.gateway';
import { ConsoleModule } from './console.module';

/**
 * The browser's console: the target route and the WebSocket terminal. Apart
 * from ConsoleModule because it needs the HTTP app's authentication, which the
 * stdio MCP server does not have.
 */
@Module({
  imports: [ConsoleModule, AgentsModule, AuthModule],
  controllers: [ConsoleController],
  providers: [ConsoleGateway, ConsoleAudit],
})
export class ConsoleHttpModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly gateway: ConsoleGateway,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) this.gateway.register(fastify);
  }
}
