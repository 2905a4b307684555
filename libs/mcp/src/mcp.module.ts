import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { McpHttpHandler } from './mcp-http.handler';
import { McpFeatureRegistry } from './mcp-feature.registry';
import { McpServerFactory } from './mcp-server.factory';
import { McpToolRegistry } from './mcp-tool.registry';
import { McpConfigurableModule } from './mcp.options';

@Module({
  imports: [DiscoveryModule],
  providers: [McpToolRegistry, McpFeatureRegistry, McpServerFactory, McpHttpHandler],
  exports: [McpToolRegistry, McpFeatureRegistry, McpServerFactory, McpHttpHandler],
})
export class McpModule extends McpConfigurableModule {}
