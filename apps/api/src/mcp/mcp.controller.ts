import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { McpHttpHandler } from '@app/mcp';
import { RequireRole } from '../auth/roles';
import { McpCallContexts } from './mcp-call-context';

/** MCP over Streamable HTTP at /mcp (POST for calls; GET and DELETE answer as the transport says). */
@ApiExcludeController()
@Controller('mcp')
export class McpController {
  constructor(
    private readonly mcp: McpHttpHandler,
    private readonly contexts: McpCallContexts,
  ) {}

  @All()
  @RequireRole('viewer')
  async handle(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    // each tool checks its own role against the caller's token, and mutating calls are audited
    await this.mcp.handle(request.raw, reply.raw, request.body, this.contexts.forPrincipal(request.principal!, String(request.id)));
  }
}
