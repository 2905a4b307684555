import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import helmet from '@fastify/helmet';
import type { RawServerDefault } from 'fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const API_TITLE = 'Swarm Orchestrator';

/**
 * What the built SPA and Swagger UI need, nothing more: own scripts only (no
 * inline script), inline styles (Swagger UI's <style>, Vue's style bindings),
 * data: images and fonts. No upgrade-insecure-requests: the app is often
 * reached over plain HTTP on a LAN, where upgrading would break every asset.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
};

/** Builds the OpenAPI document from the controllers; operationId is the handler's method name. */
export function buildOpenApiDocument(app: NestFastifyApplication) {
  const config = new DocumentBuilder()
    .setTitle(API_TITLE)
    .setDescription('Operate a Docker Swarm cluster: nodes, services, the service catalog, deployments, the registry and health.')
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
}

/**
 * Creates the configured application without listening, so main.ts, the
 * OpenAPI export and the tests all run the very same app.
 */
export async function createApp(options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // one request id for fastify, the logs and the error bodies; a caller's id is kept
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
      req.headers['x-request-id'] = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bufferLogs: true,
    abortOnError: false,
    logger: options.logger === false ? false : undefined,
  });
  app.useLogger(app.get(Logger));
  const config = app.get(AppConfig);

  await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } });
  // CORS stays off (browsers then refuse cross-origin reads) unless origins are named
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  }
  await app.register(fastifyStatic, {
    root: config.webDistDir,
    prefix: '/',
    wildcard: false,
    index: false,
    // the dist folder may not exist yet (API-only runs); the SPA fallback then answers 404
    allowedPath: () => true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // an action route (deploy, stop, drain, ...) takes no body: a client that says
  // application/json and sends nothing (curl -H, fetch wrappers) must still work.
  // A non-empty body goes through fastify's own parser (prototype-poisoning checks, 400 on bad JSON).
  // Declaring our parsers here keeps Nest from registering its own at init.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) =>
    done(null, parseQuery(body.toString())),
  );
  // definitions and compose files may be sent as YAML text; the catalog parses them
  // the registry's notification envelopes: kept as text, parsed by the image lifecycle (a bad one is a 400 naming the field)
  fastify.addContentTypeParser('application/vnd.docker.distribution.events.v1+json', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  fastify.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', customSiteTitle: `${API_TITLE} API` });
  app.enableShutdownHooks();
  return app;
}
