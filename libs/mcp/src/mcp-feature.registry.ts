import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  MCP_PLAN,
  MCP_PROMPT,
  MCP_RESOURCE,
  MCP_RESOURCE_LIST,
  McpListedResource,
  McpPromptOptions,
  McpResourceOptions,
} from './mcp-features.decorator';
import { forEachDecoratedMethod } from './mcp-scan';

export interface RegisteredResource {
  options: McpResourceOptions;
  read(variables: Record<string, string>): Promise<unknown>;
  list?(): Promise<McpListedResource[]>;
}

export interface RegisteredPrompt {
  options: McpPromptOptions;
  build(args: unknown): Promise<unknown>;
}

/** Finds the dry-run previews of destructive tools, the resources and the prompts, as the tool registry finds tools. */
@Injectable()
export class McpFeatureRegistry implements OnApplicationBootstrap {
  private readonly plans = new Map<string, (args: unknown) => Promise<unknown>>();
  private readonly resourceMap = new Map<string, RegisteredResource>();
  private readonly promptMap = new Map<string, RegisteredPrompt>();
  private explored = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    this.explore();
  }

  /** The preview of a destructive tool, if one is declared. */
  plan(tool: string): ((args: unknown) => Promise<unknown>) | undefined {
    this.ensure();
    return this.plans.get(tool);
  }

  resources(): RegisteredResource[] {
    this.ensure();
    return [...this.resourceMap.values()];
  }

  prompts(): RegisteredPrompt[] {
    this.ensure();
    return [...this.promptMap.values()].sort((a, b) => a.options.name.localeCompare(b.options.name));
  }

  prompt(name: string): RegisteredPrompt | undefined {
    this.ensure();
    return this.promptMap.get(name);
  }

  private ensure(): void {
    if (!this.explored) this.explore();
  }

  private explore(): void {
    this.plans.clear();
    this.resourceMap.clear();
    this.promptMap.clear();
    const scan = <T>(key: string, visit: (options: T, call: (...args: unknown[]) => Promise<unknown>) => void) =>
      forEachDecoratedMethod<T>(this.discovery, this.scanner, this.reflector, key, visit);
    scan<{ tool: string }>(MCP_PLAN, ({ tool }, call) => {
      if (this.plans.has(tool)) throw new Error(`two MCP plans for the tool "${tool}"`);
      this.plans.set(tool, (args) => call(args));
    });
    scan<McpResourceOptions>(MCP_RESOURCE, (options, call) => {
      if (this.resourceMap.has(options.name)) throw new Error(`two MCP resources are named "${options.name}"`);
      this.resourceMap.set(options.name, { options, read: (variables) => call(variables) });
    });
    scan<{ template: string }>(MCP_RESOURCE_LIST, ({ template }, call) => {
      const resource = this.resourceMap.get(template);
      if (!resource) throw new Error(`@McpResourceList("${template}") names no @McpResource`);
      resource.list = () => call() as Promise<McpListedResource[]>;
    });
    scan<McpPromptOptions>(MCP_PROMPT, (options, call) => {
      if (this.promptMap.has(options.name)) throw new Error(`two MCP prompts are named "${options.name}"`);
      this.promptMap.set(options.name, { options, build: (args) => call(args) });
    });
    this.explored = true;
  }
}
