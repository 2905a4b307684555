import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { Logger } from 'nestjs-pino';
import { McpServerFactory, serveStdio } from '@app/mcp';
import { CORE_IMPORTS, FEATURE_IMPORTS } from './app.module';
import { McpCallContexts } from './mcp/mcp-call-context';
import { HEALTH_MONITOR_MODE, type HealthMonitorMode } from './health/health-monitor';
import { validateEnvironmentOrExit } from './config/environment';

/** How long the app may take to close once the client has gone: the stdio transport asks for an exit within a second or two. */
const CLOSE_DEADLINE_MS = 700;

/** The health monitor polls when a tool asks, and leaves the history to the app (see HealthMonitorMode). */
@Global()
@Module({
  providers: [{ provide: HEALTH_MONITOR_MODE, useValue: 'on-demand' satisfies HealthMonitorMode }],
  exports: [HEALTH_MONITOR_MODE],
})
class OnDemandHealthModule {}

/** The same modules as the HTTP app, without the HTTP server: stdout carries MCP only. */
@Module({ imports: [...CORE_IMPORTS, ScheduleModule.forRoot(), OnDemandHealthModule, ...FEATURE_IMPORTS] })
class McpStdioModule {}

async function main() {
  // logs are JSON on stderr: anything on stdout would corrupt the protocol. Whatever NODE_ENV the
  // user's shell has: the pretty printer runs in a worker thread the one-file bundle cannot load,
  // so with NODE_ENV=development or test the server died at start ("Connection closed")
  process.env.NODE_ENV = 'production';
  validateEnvironmentOrExit();
  const app = await NestFactory.createApplicationContext(McpStdioModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  await app.init();
  // the local user who started it is trusted with every tool; changes are still audited
  const why = await serveStdio(app.get(McpServerFactory), app.get(McpCallContexts).forLocal());
  // the client waits for us to exit (and then kills): close the Docker streams and the database, but never for long
  const logger = app.get(Logger);
  logger.log(`stdio MCP server ending (${why})`, 'Mcp');
  const closed = await Promise.race([
    app.close().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), CLOSE_DEADLINE_MS).unref()),
  ]);
  if (!closed) logger.warn(`the app did not close within ${CLOSE_DEADLINE_MS} ms; exiting anyway`, 'Mcp');
  process.exit(0);
}

void main();
