import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { SwarmModule } from '@app/swarm';
import { RegistryModule } from '@app/registry';
import { CatalogModule } from '@app/catalog';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { DomainErrorFilter } from './common/domain-error.filter';
import { SpaFallback } from './common/spa-fallback';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { loggerOptions } from './config/logger';
import { HealthModule } from './health/health.module';
import { NodesModule } from './nodes/nodes.module';
import { ServicesModule } from './services/services.module';
import { RegistryApiModule } from './registry/registry-api.module';
import { McpServerModule } from './mcp/mcp-server.module';
import { AuthModule } from './auth/auth.module';
import { AuditModule } from './audit/audit.module';
import { ImagesModule } from './images/images.module';
import { AlertsModule } from './alerts/alerts.module';
import { StacksModule } from './stacks/stacks.module';
import { AgentsModule } from './agents/agents.module';
import { ConsoleHttpModule } from './console/console-http.module';

/** The library modules, configured from AppConfig; shared by the HTTP app and the stdio MCP server. */
export const CORE_IMPORTS = [
  AppConfigModule,
  LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: loggerOptions }),
  SwarmModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig) => ({ connection: config.docker.connection, timeoutMs: config.docker.timeoutMs }),
  }),
  RegistryModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => config.registry }),
  CatalogModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig) => ({ dataDir: config.dataDir, definitionsDir: config.definitionsDir }),
  }),
];

/** The feature modules: each owns its routes and its MCP tools. */
export const FEATURE_IMPORTS = [
  HealthModule,
  NodesModule,
  ServicesModule,
  RegistryApiModule,
  McpServerModule,
  AuditModule,
  ImagesModule,
  AlertsModule,
  StacksModule,
  AgentsModule,
];

@Module({
  // the console's HTTP side needs AuthModule, which the stdio MCP server (FEATURE_IMPORTS without it) does not load
  imports: [...CORE_IMPORTS, ScheduleModule.forRoot(), AuthModule, ...FEATURE_IMPORTS, ConsoleHttpModule],
  providers: [
    SpaFallback,
    { provide: APP_PIPE, useFactory: createValidationPipe },
    // the later filter is tried first: domain errors get their mapped status, everything else the catch-all
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_FILTER, useClass: DomainErrorFilter },
  ],
})
export class AppModule {}
