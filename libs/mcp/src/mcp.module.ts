import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { McpHttpHandler } from './mcp-http.handler';
import { McpServerFactory } from './mcp-server.factory';
import { McpToolRegistry } from './mcp-tool.registry';
import { McpConfigurableModule } from './mcp.options';

@Module({
  imports: [DiscoveryModule],
  providers: [McpToolRegistry, McpServerFactory, McpHttpHandler],
  exports: [McpToolRegistry, McpServerFactory, McpHttpHandler],
})
export class McpModule extends McpConfigurableModule {}
