import Fastify, { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, LogController } from 'fastify';
import { DomainError } from '@app/common';
import type { AgentContext } from './agent-context';
import { bearerMatches } from './agent-auth';
import { factsRoutes } from './facts.routes';
import { usageRoutes } from './usage.routes';
import { execRoutes } from './exec.routes';

/**
 * Every route plugin of the agent, registered in this order. Each gets the
 * AgentContext as its options; all sit behind the secret check below.
 */
export const AGENT_ROUTES: Array<FastifyPluginAsync<AgentContext>> = [usageRoutes, factsRoutes, execRoutes];

export interface AgentServerOptions extends AgentContext {
  secret: string;
  /** A pino logger; none: silent. */
  logger?: FastifyBaseLogger;
}

const STATUS: Record<string, number> = { NOT_FOUND: 404, CONFLICT: 409, INVALID: 400, UNAVAILABLE: 503, FORBIDDEN: 403, TIMEOUT: 504 };

/** The agent's HTTP server: one bearer secret on every request (HTTP and WebSocket upgrades alike), then the routes. */
export function buildAgentServer(opts: AgentServerOptions): FastifyInstance {
  const { secret, logger, ...ctx } = opts;
  // the app polls every few seconds: a line per request would drown the refusals
  const app = logger
    ? Fastify({ loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }) })
    : Fastify({ logger: false });
  ctx.log = app.log;

  // onRequest runs before routing and before any WebSocket handshake is answered
  app.addHook('onRequest', async (req, reply) => {
    if (bearerMatches(req.headers.authorization, secret)) return;
    app.log.warn(
      { remoteAddress: req.ip, path: req.url.split('?')[0], reason: req.headers.authorization ? 'wrong secret' : 'no secret' },
      'agent request refused',
    );
    await reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'the agent secret is missing or wrong' });
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    if (err instanceof DomainError) {
      const status = STATUS[err.code] ?? 500;
      return reply.code(status).send({ statusCode: status, error: err.code, message: err.message });
    }
    if (err.validation) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message });
    app.log.error({ err, path: req.url }, 'agent request failed');
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'the agent failed; see its log' });
  });

  for (const routes of AGENT_ROUTES) void app.register(routes, ctx);
  return app;
}
