import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { McpHttpHandler } from '@app/mcp';
import { RequireRole } from '../auth/roles';
import { McpCallContexts } from '../audit/mcp-call-context';

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
    // each tool checks its own role against the caller's token, mutating calls are audited, and a stream ends with the token
    const principal = request.principal!;
    // a viewer sees and calls only the read tools, as MCP_READ_ONLY makes everyone
    const context = { ...this.contexts.forPrincipal(principal, String(request.id)), readOnly: principal.role === 'viewer' };
    await this.mcp.handle(request.raw, reply.raw, request.body, context, request.watchAccess);
  }
}
