import type { Params } from 'nestjs-pino';
import { AppConfig } from './app-config';

/** Structured logs: JSON in production, pretty in development; always to stderr so stdout stays free for MCP stdio. */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req) => String(req.headers['x-request-id'] ?? ''),
      autoLogging: { ignore: (req) => /^\/(api\/health|assets\/)/.test(req.url ?? '') && req.method === 'GET' },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-registry-secret"]'],
      transport: config.production
        ? undefined
        : { target: 'pino-pretty', options: { destination: 2, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } },
      stream: config.production ? process.stderr : undefined,
    } as Params['pinoHttp'],
  };
}
