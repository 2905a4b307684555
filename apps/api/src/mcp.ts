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

/** The health monitor polls when a tool asks, and leaves the history to the app (see HealthMonitorMode). */
@Global()
@Module({ providers: [{ provide: HEALTH_MONITOR_MODE, useValue: 'on-demand' satisfies HealthMonitorMode }], exports: [HEALTH_MONITOR_MODE] })
class OnDemandHealthModule {}

/** The same modules as the HTTP app, without the HTTP server: stdout carries MCP only. */
@Module({ imports: [...CORE_IMPORTS, ScheduleModule.forRoot(), OnDemandHealthModule, ...FEATURE_IMPORTS] })
class McpStdioModule {}

async function main() {
  // logs are JSON on stderr: anything on stdout would corrupt the protocol
  process.env.NODE_ENV ??= 'production';
  validateEnvironmentOrExit();
  const app = await NestFactory.createApplicationContext(McpStdioModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  // the local user who started it is trusted with every tool; changes are still audited
  await serveStdio(app.get(McpServerFactory), app.get(McpCallContexts).forLocal());
  await app.close();
  process.exit(0);
}

void main();
