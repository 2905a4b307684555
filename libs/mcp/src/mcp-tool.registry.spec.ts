import type { DiscoveryService } from '@nestjs/core';
import { MetadataScanner, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { z } from 'zod';
import { strictMock } from '@app/common/testing';
import { McpTool } from './mcp-tool.decorator';
import { McpToolRegistry } from './mcp-tool.registry';

class ServiceTools {
  constructor(private readonly prefix: string) {}

  @McpTool({ name: 'stop_service', description: 'stop it', input: z.object({ name: z.string() }) })
  stop({ name }: { name: string }) {
    return `${this.prefix} stopped ${name}`;
  }

  @McpTool({ name: 'list_services', description: 'list them', input: z.object({}) })
  async list() {
    return { services: [this.prefix] };
  }

  notATool() {
    return 'never registered';
  }
}

class Clash {
  @McpTool({ name: 'list_services', description: 'the same name again', input: z.object({}) })
  list() {
    return {};
  }
}

const wrapper = (instance: object | undefined, isStatic = true) =>
  strictMock<InstanceWrapper>('InstanceWrapper', { instance, isDependencyTreeStatic: () => isStatic });

function registryOf(...wrappers: InstanceWrapper[]): { registry: McpToolRegistry; discovery: DiscoveryService } {
  const discovery = strictMock<DiscoveryService>('DiscoveryService', { getProviders: jest.fn(() => wrappers) });
  return { registry: new McpToolRegistry(discovery, new MetadataScanner(), new Reflector()), discovery };
}

describe('McpToolRegistry', () => {
  it('finds every decorated method, sorted by name, and calls it on its own instance', async () => {
    const { registry } = registryOf(wrapper(new ServiceTools('ops')), wrapper({ plain: true }), wrapper(undefined));
    registry.onApplicationBootstrap();
    expect(registry.list().map((t) => t.options.name)).toEqual(['list_services', 'stop_service']);
    expect(await registry.get('stop_service')!.call({ name: 'web' })).toBe('ops stopped web');
    expect(await registry.get('list_services')!.call({})).toEqual({ services: ['ops'] });
    expect(registry.get('notATool')).toBeUndefined();
  });

  it('skips request-scoped providers (no single instance to call)', () => {
    const { registry } = registryOf(wrapper(new ServiceTools('a'), false));
    expect(registry.list()).toEqual([]);
  });

  it('refuses two tools with one name', () => {
    const { registry } = registryOf(wrapper(new ServiceTools('a')), wrapper(new Clash()));
    expect(() => registry.onApplicationBootstrap()).toThrow('two MCP tools are named "list_services"');
  });

  it('explores once at bootstrap, not on every lookup', () => {
    const { registry, discovery } = registryOf(wrapper(new ServiceTools('a')));
    registry.onApplicationBootstrap();
    registry.list();
    registry.get('stop_service');
    expect(discovery.getProviders).toHaveBeenCalledTimes(1);
  });
});
