import { Global, Module, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AuditController } from './audit.controller';
import { attachAuditRecorder, AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';
import { McpCallContexts } from '../mcp/mcp-call-context';

/** The audit trail: REST calls through the global interceptor, MCP tool calls through McpCallContexts (which also checks tool roles). */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, McpCallContexts, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService, McpCallContexts],
})
export class AuditModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    // the stdio MCP server has no HTTP server: only tool calls are audited there
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) attachAuditRecorder(fastify, this.audit);
  }
}
