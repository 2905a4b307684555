import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { DomainError } from '@app/common';
import type { McpFeatureRegistry, RegisteredPrompt, RegisteredResource } from './mcp-feature.registry';
import { McpCallContext, McpServerFactory } from './mcp-server.factory';
import type { McpToolOptions } from './mcp-tool.decorator';
import type { McpToolRegistry, RegisteredTool } from './mcp-tool.registry';

type Result = { isError?: boolean; content: Array<{ text: string }>; structuredContent?: any };

function tool(options: Partial<McpToolOptions> & { name: string }, call: (args: any) => unknown): RegisteredTool & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    options: { description: `the ${options.name} tool`, input: z.object({}).strict(), role: 'viewer', ...options },
    calls,
    call: async (args) => {
      calls.push(args);
      return call(args);
    },
  };
}

const readTool = tool(
  {
    name: 'get_thing',
    input: z.object({ name: z.string() }).strict(),
    output: z.object({ name: z.string() }),
    annotations: { readOnlyHint: true },
  },
  ({ name }) => {
    if (name === 'missing') throw new DomainError('NOT_FOUND', `thing "${name}" is not there`);
    if (name === 'bug') throw new TypeError('boom');
    return { name };
  },
);
const removeTool = tool(
  {
    name: 'remove_thing',
    input: z.object({ name: z.string() }).strict(),
    output: z.object({ removed: z.boolean() }),
    annotations: { destructiveHint: true },
    role: 'operator',
  },
  () => ({ removed: true }),
);
const drainTool = tool(
  {
    name: 'drain_thing',
    input: z.object({ name: z.string(), dry_run: z.boolean().optional() }).strict(),
    annotations: { destructiveHint: true },
  },
  ({ dry_run }) => (dry_run ? { wouldMove: 2 } : { moved: 2 }),
);
const stopTool = tool(
  { name: 'stop_thing', input: z.object({ name: z.string() }).strict(), annotations: { destructiveHint: true } },
  () => ({ stopped: true }),
);

const resource: RegisteredResource = {
  options: { name: 'things', uriTemplate: 'test://things/{name}', description: 'a thing', mimeType: 'text/plain', role: 'viewer' },
  read: async ({ name }) => {
    if (name === 'missing') throw new DomainError('NOT_FOUND', `thing "${name}" is not there`);
    return `the thing ${name}`;
  },
  list: async () => [{ uri: 'test://things/a', name: 'a' }],
};
const prompt: RegisteredPrompt = {
  options: {
    name: 'explain',
    description: 'explain a thing',
    args: z.object({ name: z.string().regex(/^[a-z]+$/, 'must be lowercase') }).strict(),
  },
  build: async (args) => `explain ${(args as { name: string }).name}`,
};

function loud<T extends object>(name: string, impl: Partial<T>): T {
  return new Proxy(impl, {
    get(target, key) {
      if (key in target) return (target as Record<string | symbol, unknown>)[key];
      if (key === 'then') return undefined;
      throw new Error(`${name}.${String(key)} is not stubbed`);
    },
  }) as T;
}

async function connect(context: McpCallContext = {}, readOnly = false): Promise<Client> {
  const tools = [readTool, removeTool, drainTool, stopTool];
  const registry = loud<McpToolRegistry>('registry', { list: () => tools, get: (n: string) => tools.find((t) => t.options.name === n) });
  const features = loud<McpFeatureRegistry>('features', {
    plan: (n: string) => (n === 'stop_thing' ? async (args: unknown) => ({ wouldStop: (args as { name: string }).name }) : undefined),
    resources: () => [resource],
    prompts: () => [prompt],
    prompt: (n: string) => (n === 'explain' ? prompt : undefined),
  });
  const factory = new McpServerFactory(registry, features, { name: 'test', version: '1', readOnly });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await factory.create(context).connect(a);
  const client = new Client({ name: 'spec', version: '1' });
  await client.connect(b);
  return client;
}

const call = async (c: Client, name: string, args: Record<string, unknown>) => (await c.callTool({ name, arguments: args })) as Result;

describe('McpServerFactory', () => {
  beforeEach(() => {
    for (const t of [readTool, removeTool, drainTool, stopTool]) t.calls.length = 0;
  });

  it('answers a domain error with its code in structuredContent, and a bug as INTERNAL with the stack only in the log', async () => {
    const c = await connect();
    expect(await call(c, 'get_thing', { name: 'missing' })).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'thing "missing" is not there' }],
      structuredContent: { code: 'NOT_FOUND', message: 'thing "missing" is not there' },
    });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const bug = await call(c, 'get_thing', { name: 'bug' });
    expect(bug.structuredContent).toEqual({ code: 'INTERNAL', message: 'get_thing failed unexpectedly; see the server log' });
    expect(logged.mock.calls[0][0]).toMatch(/TypeError: boom/);
    logged.mockRestore();
    expect((await call(c, 'get_thing', { name: 7 })).structuredContent).toMatchObject({
      code: 'INVALID',
      message: expect.stringMatching(/^invalid arguments: name: /),
    });
  });

  it('publishes each output schema as "the output or an error"', async () => {
    const c = await connect();
    const { tools } = await c.listTools();
    const schema = tools.find((t) => t.name === 'get_thing')!.outputSchema as any;
    expect(schema.type).toBe('object');
    expect(schema.anyOf[0]).toMatchObject({ type: 'object', required: ['name'] });
    expect(schema.anyOf[1]).toMatchObject({ required: ['code', 'message'] });
  });

  it('runs a destructive tool only with confirm: true, answering first with its plan and what to send', async () => {
    const c = await connect();
    const refused = await call(c, 'remove_thing', { name: 'a' });
    expect(refused.structuredContent).toEqual({
      code: 'CONFIRMATION_REQUIRED',
      message: 'remove_thing is destructive and did not run: call it again with the same arguments and "confirm": true',
      send: { name: 'remove_thing', arguments: { name: 'a', confirm: true } },
      plan: { tool: 'remove_thing', arguments: { name: 'a' }, note: 'no dry run for this tool: this is the call that would run' },
    });
    expect(removeTool.calls).toEqual([]);
    expect(await call(c, 'remove_thing', { name: 'a', confirm: true })).toMatchObject({ structuredContent: { removed: true } });
    // the method never sees `confirm`
    expect(removeTool.calls).toEqual([{ name: 'a' }]);
  });

  it("previews with the tool's @McpPlan, else with its own dry_run", async () => {
    const c = await connect();
    expect((await call(c, 'stop_thing', { name: 'b' })).structuredContent.plan).toEqual({ wouldStop: 'b' });
    expect(stopTool.calls).toEqual([]);
    expect((await call(c, 'drain_thing', { name: 'n' })).structuredContent.plan).toEqual({ wouldMove: 2 });
    expect(drainTool.calls).toEqual([{ name: 'n', dry_run: true }]);
    // a dry run asked for needs no confirmation: it changes nothing
    expect((await call(c, 'drain_thing', { name: 'n', dry_run: true })).isError).toBeUndefined();
  });

  it('in read-only mode lists and runs only read tools; a refused role hides the tool too', async () => {
    const ro = await connect({}, true);
    expect((await ro.listTools()).tools.map((t) => t.name)).toEqual(['get_thing']);
    expect((await call(ro, 'remove_thing', { name: 'a', confirm: true })).structuredContent).toEqual({
      code: 'FORBIDDEN',
      message: 'the tool remove_thing is not available: this MCP server is read-only (MCP_READ_ONLY=true)',
    });
    const viewer = await connect({ authorize: (f) => (f.role === 'operator' ? 'forbidden: needs operator' : undefined), readOnly: true });
    expect((await viewer.listTools()).tools.map((t) => t.name)).toEqual(['get_thing']);
    expect((await call(viewer, 'remove_thing', { name: 'a' })).structuredContent).toEqual({
      code: 'FORBIDDEN',
      message: 'forbidden: needs operator',
    });
    expect(removeTool.calls).toEqual([]);
  });

  it("reads resources by template, lists them, and answers a missing one with the protocol's not-found", async () => {
    const c = await connect();
    expect((await c.listResources()).resources).toEqual([{ uri: 'test://things/a', name: 'a', mimeType: 'text/plain' }]);
    expect((await c.readResource({ uri: 'test://things/b' })).contents).toEqual([
      { uri: 'test://things/b', mimeType: 'text/plain', text: 'the thing b' },
    ]);
    await expect(c.readResource({ uri: 'test://things/missing' })).rejects.toMatchObject({
      code: -32002,
      data: { code: 'NOT_FOUND', uri: 'test://things/missing' },
    });
    await expect(c.readResource({ uri: 'other://x' })).rejects.toMatchObject({ code: -32002 });
  });

  it('builds prompts from validated arguments', async () => {
    const c = await connect();
    expect((await c.listPrompts()).prompts).toEqual([
      { name: 'explain', description: 'explain a thing', arguments: [{ name: 'name', required: true }] },
    ]);
    expect((await c.getPrompt({ name: 'explain', arguments: { name: 'abc' } })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'explain abc' } },
    ]);
    await expect(c.getPrompt({ name: 'explain', arguments: { name: 'ABC' } })).rejects.toThrow(/name: must be lowercase/);
  });
});
