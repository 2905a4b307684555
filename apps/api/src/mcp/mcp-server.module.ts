import { Module } from '@nestjs/common';
import { McpModule } from '@app/mcp';
import { HealthModule } from '../health/health.module';
import { NodesModule } from '../nodes/nodes.module';
import { RegistryApiModule } from '../registry/registry-api.module';
import { ServicesModule } from '../services/services.module';
import { McpController } from './mcp.controller';
import { ClusterTools } from './tools/cluster.tools';
import { ServiceTools } from './tools/service.tools';
import { StackTools } from './tools/stack.tools';
import { StacksModule } from '../stacks/stacks.module';

@Module({
  imports: [
    McpModule.forRoot({
      name: 'swarm-orchestrator',
      version: process.env.npm_package_version ?? '0.1.0',
      instructions: 'Operate a Docker Swarm cluster: the service catalog (deploy, stop, scale, logs, rollback), nodes (drain, activate), health and the private registry.',
    }),
    ServicesModule,
    NodesModule,
    HealthModule,
    RegistryApiModule,
    StacksModule,
  ],
  controllers: [McpController],
  providers: [ServiceTools, ClusterTools, StackTools],
})
export class McpServerModule {}
