import { Module } from '@nestjs/common';
import { McpModule } from '@app/mcp';
import { AppConfig } from '../config/app-config';
import { HealthModule } from '../health/health.module';
import { NodesModule } from '../nodes/nodes.module';
import { RegistryApiModule } from '../registry/registry-api.module';
import { ServicesModule } from '../services/services.module';
import { McpController } from './mcp.controller';
import { McpResources } from './mcp.resources';
import { ClusterTools } from './tools/cluster.tools';
import { ServiceTools } from './tools/service.tools';
import { ImageTools } from './tools/image.tools';
import { ImagesModule } from '../images/images.module';
import { AlertsModule } from '../alerts/alerts.module';
import { AlertTools } from './tools/alert.tools';
import { StackTools } from './tools/stack.tools';
import { StacksModule } from '../stacks/stacks.module';
import { ConsoleModule } from '../console/console.module';
import { ConsoleTools } from './tools/console.tools';

@Module({
  imports: [
    McpModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        name: 'swarm-orchestrator',
        version: process.env.npm_package_version ?? '0.1.0',
        instructions:
          'Operate a Docker Swarm cluster: the service catalog (deploy, stop, scale, logs, rollback), nodes (drain, activate), health and the private registry. ' +
          'Destructive tools (stop, drain, rollback, redeploy, exec) answer with what they would do until called again with "confirm": true.' +
          (config.mcp.readOnly ? ' This server is read-only: only the read tools exist.' : ''),
        readOnly: config.mcp.readOnly,
      }),
    }),
    ServicesModule,
    NodesModule,
    HealthModule,
    RegistryApiModule,
    ImagesModule,
    AlertsModule,
    StacksModule,
    ConsoleModule,
  ],
  controllers: [McpController],
  providers: [ServiceTools, ClusterTools, ImageTools, AlertTools, McpResources, StackTools, ConsoleTools],
})
export class McpServerModule {}
