import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { ImageUpdates } from './image-updates.service';

/** The service routes whose answers carry `imageUpdate`: the catalog list, one service, the live list. */
const ROUTES = new Set(['/api/services', '/api/services/:name', '/api/services/live']);

/**
 * Adds the image-update state to the service answers without the services
 * module knowing about images: `imageUpdate` on each service that runs an
 * older digest than its tag names. (After the services refactor, this belongs
 * in the service DTOs; the field and its shape stay the same.)
 */
@Injectable()
export class ImageUpdateInterceptor implements NestInterceptor {
  constructor(private readonly updates: ImageUpdates) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method !== 'GET' || !ROUTES.has(request.routeOptions?.url ?? '')) return next.handle();
    const add = (item: unknown) => {
      if (!item || typeof item !== 'object' || typeof (item as { name?: unknown }).name !== 'string') return item;
      const update = this.updates.get((item as { name: string }).name);
      return update ? { ...item, imageUpdate: update } : item;
    };
    return next.handle().pipe(map((body: unknown) => (Array.isArray(body) ? body.map(add) : add(body))));
  }
}
