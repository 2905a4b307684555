import type { Params } from 'nestjs-pino';
import { AppConfig } from './app-config';

/** The request and response as logged below debug level: no headers (they made a /api/health line about 1.5 KB). */
const compactSerializers = {
  req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

/**
 * Structured logs: JSON in production, pretty in development; always to stderr so stdout stays free for MCP stdio.
 * A request line carries its id, method, path, status and response time; headers only at debug level and below.
 */
export function loggerOptions(config: AppConfig): Params {
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req) => String(req.headers['x-request-id'] ?? ''),
      autoLogging: { ignore: (req) => /^\/(api\/health|assets\/)/.test(req.url ?? '') && req.method === 'GET' },
      serializers: verbose ? undefined : compactSerializers,
      // the console's WebSocket carries the token as a subprotocol (browsers cannot set Authorization there)
      redact: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-registry-secret"]',
        'req.headers["sec-websocket-protocol"]',
      ],
      transport: config.production
        ? undefined
        : { target: 'pino-pretty', options: { destination: 2, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } },
      stream: config.production ? process.stderr : undefined,
    } as Params['pinoHttp'],
  };
}
