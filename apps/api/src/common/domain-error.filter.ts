import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, DomainErrorCode } from '@app/common';
import { errorBody } from './error-body';

/** The one place where a library's error code becomes an HTTP status. */
export function httpStatusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'NOT_FOUND':
      return HttpStatus.NOT_FOUND;
    case 'CONFLICT':
      return HttpStatus.CONFLICT;
    case 'INVALID':
      return HttpStatus.BAD_REQUEST;
    case 'FORBIDDEN':
      return HttpStatus.FORBIDDEN;
    case 'UNAVAILABLE':
      return HttpStatus.SERVICE_UNAVAILABLE;
    case 'TIMEOUT':
      return HttpStatus.GATEWAY_TIMEOUT;
    default: {
      const unknownCode: never = code;
      throw new Error(`unmapped domain error code ${String(unknownCode)}`);
    }
  }
}

@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  catch(error: DomainError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = httpStatusOf(error.code);
    if (reply.sent) return;
    void reply.status(status).send(errorBody(status, error.message, { code: error.code, ...error.details }));
  }
}
