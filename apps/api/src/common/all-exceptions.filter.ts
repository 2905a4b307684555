import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';
import { isApiPath, SpaFallback } from './spa-fallback';

/**
 * The catch-all: HTTP exceptions keep their status and message; anything else
 * is logged with the request id and answered as a 500 without a stack. A GET
 * for an unknown non-API path gets the SPA's index.html (history fallback).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  constructor(private readonly spa: SpaFallback) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;

    if (exception instanceof NotFoundException && request.method === 'GET' && !isApiPath(request.url) && this.spa.available()) {
      void this.spa.send(reply);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      void reply.status(status).send(errorBody(status, messageOf(exception)));
      return;
    }
    // fastify's own errors (bad JSON, body too large, bad content type) carry a 4xx statusCode
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      void reply.status(fastifyStatus).send(errorBody(fastifyStatus, (exception as Error).message));
      return;
    }
    this.logger.error({ reqId: request.id, err: exception }, `unhandled error on ${request.method} ${request.url}`);
    void reply.status(500).send(errorBody(500, `Internal error (request id ${request.id}); see the server log`));
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}
