import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { catchError, Observable, throwError } from 'rxjs';
import { DomainError } from '@app/common';
import { AuditService } from './audit.service';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface PendingAudit {
  started: number;
  actor: string;
  role: string;
  action: string;
  target?: string;
  params: unknown;
  error?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    audit?: PendingAudit;
  }
}

/**
 * Notes every mutating REST call that passed the guard (who, route, target,
 * parameters); the onResponse hook (attachAuditRecorder) writes it with the
 * status that was actually sent, streamed answers included.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // MCP calls arrive as POST /mcp: the MCP hooks audit each tool call instead (McpCallContexts)
    if (!MUTATING.has(request.method) || isMcpRoute(request)) return next.handle();
    const params = (request.params ?? {}) as Record<string, unknown>;
    const audit: PendingAudit = {
      started: Date.now(),
      actor: request.principal?.name ?? 'anonymous',
      role: request.principal?.role ?? 'none',
      action: `${request.method} ${request.routeOptions?.url ?? request.url}`,
      target: targetOf(params),
      params: withoutEmpty({ path: params, query: request.query, body: request.body }),
    };
    request.audit = audit;
    return next.handle().pipe(
      catchError((err: unknown) => {
        audit.error = err instanceof HttpException || err instanceof DomainError || err instanceof Error ? err.message : String(err);
        return throwError(() => err);
      }),
    );
  }
}

/** Writes the noted entry once the answer is sent. Call once on the Fastify instance, before the app starts listening. */
export function attachAuditRecorder(fastify: FastifyInstance, audit: AuditService): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const pending = request.audit;
    if (!pending) return;
    request.audit = undefined;
    const status = reply.statusCode;
    await audit.record({
      source: 'rest',
      actor: pending.actor,
      role: pending.role,
      action: pending.action,
      target: pending.target,
      params: pending.params,
      status,
      outcome: status < 400 && !pending.error ? 'ok' : 'error',
      error: pending.error,
      requestId: String(request.id),
      durationMs: Date.now() - pending.started,
    });
  });
}

function isMcpRoute(request: FastifyRequest): boolean {
  return /^\/mcp(\/|$)/.test(request.routeOptions?.url ?? '');
}

function targetOf(params: Record<string, unknown>): string | undefined {
  const values = Object.values(params).filter((v) => v !== undefined && v !== '');
  return values.length ? values.map(String).join('/') : undefined;
}

function withoutEmpty(parts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(parts).filter(
      ([, v]) => v !== undefined && v !== null && v !== '' && !(typeof v === 'object' && Object.keys(v as object).length === 0),
    ),
  );
}
