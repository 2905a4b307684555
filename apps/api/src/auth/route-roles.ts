import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { routeAccess, RouteAccess } from './auth.guard';

export interface RouteRole {
  method: string;
  /** OpenAPI style: /api/services/{name} */
  path: string;
  access: RouteAccess;
}

/**
 * Every controller route with the access its metadata declares — what the
 * guard enforces — so a test can check each route of the OpenAPI document
 * against it, and a route without a declared role is easy to list.
 */
@Injectable()
export class RouteRoles {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  list(): RouteRole[] {
    const routes: RouteRole[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!type || !wrapper.instance) continue;
      const prefix = [Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined].flat()[0] ?? '';
      const proto = Object.getPrototypeOf(wrapper.instance) as Record<string, (...args: unknown[]) => unknown>;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined].flat();
        for (const sub of paths) {
          routes.push({
            method: RequestMethod[method],
            path: openApiPath(prefix, sub ?? ''),
            access: routeAccess(this.reflector, [handler, type]),
          });
        }
      }
    }
    return routes;
  }
}

function openApiPath(prefix: string, sub: string): string {
  const joined = `/${[prefix, sub]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return joined.replace(/:(\w+)/g, '{$1}');
}
