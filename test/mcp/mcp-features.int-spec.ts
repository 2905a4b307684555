import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { validateEnvironment } from '../../apps/api/src/config/environment';
import { labDocker, removeServices } from '../fixtures/docker';
import { labImage, labWebImage } from '../fixtures/lab';
import { startTestApp, TEST_ADMIN_TOKEN, TestApp } from '../fixtures/test-app';

const PREFIX = 't-mcpf-';
jest.setTimeout(240_000);

type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: any };
const READ_TOOLS = [
  'get_health',
  'get_health_history',
  'get_registry_images',
  'get_registry_tags',
  'get_service',
  'get_service_logs',
  'get_stack',
  'get_stack_logs',
  'list_alerts',
  'list_image_updates',
  'list_nodes',
  'list_services',
  'list_stacks',
  'list_tasks',
];
/** Read tools that need operator: they read logs. */
const OPERATOR_READ_TOOLS = ['get_service_logs', 'get_stack_logs'];

async function connect(t: TestApp, token: string): Promise<Client> {
  const client = new Client({ name: 'features-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  );
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args }, undefined, { timeout: 200_000 })) as ToolResult;

async function issue(t: TestApp, name: string, role: string): Promise<string> {
  const res = await t.api('/api/auth/tokens', { method: 'POST', json: { name, role } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

const availability = async (hostname: string) =>
  ((await labDocker().listNodes()) as any[]).find((n) => n.Description.Hostname === hostname).Spec.Availability;

describe('MCP: error codes, confirmation, read-only, resources, prompts, checked output', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    await removeServices(PREFIX);
    t = await startTestApp();
    admin = await connect(t, TEST_ADMIN_TOKEN);
  });
  afterAll(async () => {
    await admin?.close();
    await t?.close();
    await removeServices(PREFIX);
    if ((await availability('spark1')) !== 'active') {
      const node = ((await labDocker().listNodes()) as any[]).find((n) => n.Description.Hostname === 'spark1');
      await labDocker()
        .getNode(node.ID)
        .update({ version: node.Version.Index, ...node.Spec, Availability: 'active' });
    }
  });

  it('an isError result carries the code REST gives, in structuredContent, and the message as text', async () => {
    const missing = await call(admin, 'get_service', { name: `${PREFIX}nothing` });
    expect(missing.isError).toBe(true);
    expect(missing.structuredContent).toEqual({ code: 'NOT_FOUND', message: `service "${PREFIX}nothing" is not in the catalog` });
    expect(missing.content[0].text).toBe(missing.structuredContent.message);
    const rest = await t.api(`/api/services/${PREFIX}nothing`);
    expect(rest.status).toBe(404);
    expect(((await rest.json()) as any).code).toBe('NOT_FOUND');

    const bad = await call(admin, 'scale_service', { name: `${PREFIX}x`, replicas: -1 });
    expect(bad.structuredContent).toMatchObject({ code: 'INVALID', message: expect.stringMatching(/replicas: must be 0 or more/) });
    const unknown = await call(admin, 'no_such_tool');
    expect(unknown.structuredContent).toMatchObject({ code: 'NOT_FOUND' });

    const operator = await connect(t, await issue(t, 'mcp-operator', 'operator'));
    try {
      const refused = await call(operator, 'drain_node', { node: 'spark1', confirm: true });
      expect(refused.structuredContent).toEqual({
        code: 'FORBIDDEN',
        message: 'forbidden: needs admin; the token "mcp-operator" is operator',
      });
      // and what the role may not call is not listed to it
      expect((await operator.listTools()).tools.map((t) => t.name)).not.toContain('drain_node');
    } finally {
      await operator.close();
    }
  });

  it('a destructive tool without confirm changes nothing and says what to send; with it, it runs', async () => {
    const name = `${PREFIX}web`;
    expect((await call(admin, 'deploy_service', { name, image: labWebImage() })).isError).toBeFalsy();
    const before = (await labDocker().getService(name).inspect()) as any;

    const stop = await call(admin, 'stop_service', { name });
    expect(stop.isError).toBe(true);
    expect(stop.structuredContent).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      send: { name: 'stop_service', arguments: { name, confirm: true } },
      // stop_service has a dry run: the refusal carries it, the same plan as REST ?dry_run=true
      plan: { dryRun: true, action: 'stop', name, changes: [], tasks: [expect.objectContaining({ serviceName: name, state: 'running' })] },
    });
    expect(stop.content[0].text).toContain('"confirm": true');
    expect(stop.content[0].text).toContain(JSON.stringify({ name, confirm: true }));
    expect(((await labDocker().getService(name).inspect()) as any).Version.Index).toBe(before.Version.Index);
    // the input schema says so
    const tools = (await admin.listTools()).tools;
    expect(tools.find((x) => x.name === 'stop_service')!.inputSchema.properties).toHaveProperty('confirm');
    expect(tools.find((x) => x.name === 'list_nodes')!.inputSchema.properties ?? {}).not.toHaveProperty('confirm');
    expect((await call(admin, 'list_nodes', { confirm: true })).structuredContent).toMatchObject({
      code: 'INVALID',
      message: expect.stringMatching(/confirm: unknown argument/),
    });

    const drain = await call(admin, 'drain_node', { node: 'spark1' });
    expect(drain.structuredContent).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      send: { name: 'drain_node', arguments: { node: 'spark1', confirm: true } },
    });
    expect(await availability('spark1')).toBe('active');

    const stopped = await call(admin, 'stop_service', { name, confirm: true });
    expect(stopped.structuredContent).toEqual({ name, stopped: true });
    await expect(labDocker().getService(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('MCP_READ_ONLY=true lists and runs only read tools, for every token; a bad value stops the boot naming it', async () => {
    expect(() => validateEnvironment({ MCP_READ_ONLY: 'yes' })).toThrow(/MCP_READ_ONLY="yes": must be true or false/);
    const ro = await startTestApp({ MCP_READ_ONLY: 'true' });
    const client = await connect(ro, TEST_ADMIN_TOKEN);
    try {
      const tools = (await client.listTools()).tools;
      expect(tools.map((x) => x.name).sort()).toEqual(READ_TOOLS);
      for (const x of tools) expect(x.annotations?.readOnlyHint).toBe(true);
      const deploy = await call(client, 'deploy_service', { name: `${PREFIX}ro`, image: labImage() });
      expect(deploy.structuredContent).toEqual({
        code: 'FORBIDDEN',
        message: 'the tool deploy_service is not available: this MCP server is read-only (MCP_READ_ONLY=true)',
      });
      expect((await ro.api(`/api/services/${PREFIX}ro`)).status).toBe(404);
      expect((await call(client, 'list_nodes')).isError).toBeFalsy();
    } finally {
      await client.close();
      await ro.close();
    }
  });

  it('a viewer token over HTTP sees and calls only read tools', async () => {
    const viewer = await connect(t, await issue(t, 'mcp-viewer', 'viewer'));
    try {
      const names = (await viewer.listTools()).tools.map((x) => x.name);
      expect(names.sort()).toEqual(READ_TOOLS.filter((n) => !OPERATOR_READ_TOOLS.includes(n)));
      const scale = await call(viewer, 'scale_service', { name: `${PREFIX}web`, replicas: 1 });
      expect(scale.structuredContent).toEqual({
        code: 'FORBIDDEN',
        message: 'forbidden: needs operator; the token "mcp-viewer" is viewer',
      });
    } finally {
      await viewer.close();
    }
  });

  it('serves the definitions and recent logs as resources, and two prompts that chain the read tools', async () => {
    const name = `${PREFIX}talk`;
    expect(
      (
        await t.api('/api/services', {
          method: 'POST',
          json: {
            name,
            image: labImage(),
            description: 'says hello',
            command: 'sh -c "while true; do echo hello-from-talk; sleep 1; done"',
          },
        })
      ).status,
    ).toBe(201);
    expect((await t.api(`/api/services/${name}/deploy?wait=true`, { method: 'POST' })).status).toBeLessThan(300);

    const { resources } = await admin.listResources();
    expect(resources).toContainEqual({ uri: `swarm://definitions/${name}`, name, description: 'says hello', mimeType: 'application/yaml' });
    const { resourceTemplates } = await admin.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate).sort()).toEqual(['swarm://definitions/{name}', 'swarm://services/{name}/logs']);

    const def = await admin.readResource({ uri: `swarm://definitions/${name}` });
    expect(def.contents[0]).toMatchObject({ uri: `swarm://definitions/${name}`, mimeType: 'application/yaml' });
    expect((def.contents[0] as { text: string }).text).toContain(`image: ${labImage()}`);

    let logText = '';
    for (
      const end = Date.now() + 20_000;
      !logText.includes('hello-from-talk') && Date.now() < end;
      await new Promise((r) => setTimeout(r, 500))
    ) {
      logText = ((await admin.readResource({ uri: `swarm://services/${name}/logs` })).contents[0] as { text: string }).text;
    }
    expect(logText).toMatch(new RegExp(`^\\S+ ${name}\\.1@\\S+ \\| hello-from-talk$`, 'm'));

    await expect(admin.readResource({ uri: `swarm://definitions/${PREFIX}nothing` })).rejects.toMatchObject({
      code: -32002,
      message: expect.stringMatching(/not in the catalog/),
    });
    await expect(admin.readResource({ uri: 'swarm://elsewhere/x' })).rejects.toMatchObject({ code: -32002 });

    const { prompts } = await admin.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['roll_out_image', 'why_not_running']);
    expect(prompts.find((p) => p.name === 'roll_out_image')!.arguments).toEqual([
      { name: 'service', description: 'the service name', required: true },
      { name: 'image', required: true },
    ]);
    const why = await admin.getPrompt({ name: 'why_not_running', arguments: { service: name } });
    const whyText = (why.messages[0].content as { text: string }).text;
    for (const tool of ['get_service', 'list_tasks', 'get_service_logs', 'list_nodes', 'get_health']) expect(whyText).toContain(tool);
    expect(whyText).toContain(`{"name": "${name}"}`);
    const rollOut = await admin.getPrompt({ name: 'roll_out_image', arguments: { service: name, image: labWebImage() } });
    expect((rollOut.messages[0].content as { text: string }).text).toContain(
      `deploy_service {"name": "${name}", "image": "${labWebImage()}"}`,
    );
    await expect(admin.getPrompt({ name: 'why_not_running', arguments: { service: 'Bad/Name' } })).rejects.toThrow(
      /service: must be a DNS label/,
    );
  });

  it("every tool answers what its output schema declares (checked with the SDK client's own validator)", async () => {
    const name = `${PREFIX}checked`;
    const stack = 't-mcpf-stack';
    const registry = labImage().split('/')[0];
    expect(labWebImage().startsWith(`${registry}/`)).toBe(true);
    const calls: Array<[string, Record<string, unknown>]> = [
      ['list_services', {}],
      ['deploy_service', { name, image: labWebImage(), replicas: 1 }],
      ['get_service', { name }],
      ['scale_service', { name, replicas: 2 }],
      ['redeploy_service', { name, confirm: true }],
      ['list_tasks', { name }],
      // on the host no agent is reachable (and the lab runs none): the tool must say so with a code, a valid result
      ['exec_in_task', { task: 'RUNNING_TASK', command: 'hostname', confirm: true }],
      ['get_service_logs', { name, tail: 5 }],
      ['rollback_service', { name, confirm: true }],
      ['stop_service', { name, confirm: true }],
      ['list_nodes', {}],
      ['drain_node', { node: 'spark1', confirm: true }],
      ['activate_node', { node: 'spark1' }],
      ['get_health', {}],
      ['get_health_history', { limit: 5 }],
      ['get_registry_images', {}],
      ['get_registry_tags', { repository: 'busybox' }],
      ['list_image_updates', {}],
      ['list_alerts', {}],
      ['deploy_stack', { name: stack, compose: `services:\n  web:\n    image: ${labWebImage()}\n`, timeout: 120 }],
      ['list_stacks', {}],
      ['get_stack', { name: stack }],
      ['get_stack_logs', { name: stack, tail: 5 }],
      ['stop_stack', { name: stack, confirm: true }],
    ];
    /** Tools whose answer here is an error by design, with the code it must carry. */
    const expectedErrors: Record<string, { code: string; message: RegExp }> = {
      exec_in_task: { code: 'UNAVAILABLE', message: /^node "\S+" has no agent/ },
    };
    const tools = (await admin.listTools()).tools;
    // a new tool fails this test until it is called here
    expect(calls.map(([n]) => n).sort()).toEqual(tools.map((x) => x.name).sort());
    const ajv = new AjvJsonSchemaValidator();
    for (const [tool, args] of calls) {
      const declared = tools.find((x) => x.name === tool)!;
      expect(declared.outputSchema).toBeDefined();
      // the SDK client itself refuses a result that does not match the schema: name the tool when it does
      if (args.task === 'RUNNING_TASK') {
        const tasks = (await labDocker().listTasks({
          filters: JSON.stringify({ service: [name], 'desired-state': ['running'] }),
        })) as any[];
        args.task = tasks.find((x) => x.Status?.State === 'running')?.ID;
      }
      const result = await call(admin, tool, args).catch((err: Error) => {
        throw new Error(`${tool}: ${err.message}`);
      });
      const expected = expectedErrors[tool];
      if (expected) {
        expect({ tool, isError: result.isError }).toEqual({ tool, isError: true });
        expect(result.structuredContent).toMatchObject({ code: expected.code, message: expect.stringMatching(expected.message) });
      } else {
        expect({ tool, isError: result.isError ?? false, text: result.isError ? result.content[0].text : '' }).toEqual({
          tool,
          isError: false,
          text: '',
        });
      }
      // the published schema is "output or error"; the success branch is the tool's declaration, the other the error's
      const branch = (declared.outputSchema as unknown as { anyOf: object[] }).anyOf[expected ? 1 : 0];
      const verdict = ajv.getValidator(branch as never)(result.structuredContent);
      expect({ tool, valid: verdict.valid, error: verdict.errorMessage }).toEqual({ tool, valid: true, error: undefined });
    }
  });
});
