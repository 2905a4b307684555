import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
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
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const options = this.reflector.get<McpToolOptions | undefined>(MCP_TOOL, prototype[method]);
        if (!options) continue;
        if (this.tools.has(options.name)) throw new Error(`two MCP tools are named "${options.name}"`);
        const fn = prototype[method] as (args: unknown) => Promise<unknown>;
        this.tools.set(options.name, { options, call: (args) => Promise.resolve(fn.call(instance, args)) });
      }
    }
  }
}
