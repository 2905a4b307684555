import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { forEachDecoratedMethod } from './mcp-scan';
import { MCP_TOOL, McpToolOptions } from './mcp-tool.decorator';

export interface RegisteredTool {
  options: McpToolOptions;
  call(args: unknown): Promise<unknown>;
}

/** Finds every @McpTool method on every provider once the app is wired. */
@Injectable()
export class McpToolRegistry implements OnApplicationBootstrap {
  private readonly tools = new Map<string, RegisteredTool>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    this.explore();
  }

  list(): RegisteredTool[] {
    if (this.tools.size === 0) this.explore();
    return [...this.tools.values()].sort((a, b) => a.options.name.localeCompare(b.options.name));
  }

  get(name: string): RegisteredTool | undefined {
    if (this.tools.size === 0) this.explore();
    return this.tools.get(name);
  }

  private explore(): void {
    this.tools.clear();
    forEachDecoratedMethod<McpToolOptions>(this.discovery, this.scanner, this.reflector, MCP_TOOL, (options, call) => {
      if (this.tools.has(options.name)) throw new Error(`two MCP tools are named "${options.name}"`);
      this.tools.set(options.name, { options, call: (args) => call(args) });
    });
  }
}
