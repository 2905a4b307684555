import { z } from 'zod';
import type { AuditEntry, AuditLog } from '@app/catalog';
import type { McpToolOptions } from '@app/mcp';
import { AuditService } from './audit.service';
import { LOCAL_ACTOR, McpCallContexts, mcpActor } from '../mcp/mcp-call-context';
import { MCP_STDIO_ACTOR } from './actor';

const tool = (name: string, role: McpToolOptions['role'], readOnly = false): McpToolOptions => ({
  name,
  description: name,
  input: z.object({}),
  role,
  annotations: readOnly ? { readOnlyHint: true } : {},
});

function setup() {
  const appended: AuditEntry[] = [];
  const log = { append: jest.fn(async (e: AuditEntry) => void appended.push(e)), list: jest.fn() } as unknown as AuditLog;
  const audit = new AuditService(log);
  return { appended, audit, contexts: new McpCallContexts(audit) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('AuditService', () => {
  it('masks the parameters before they are stored', async () => {
    const { appended, audit } = setup();
    await audit.record({
      source: 'rest',
      actor: 'a',
      role: 'operator',
      action: 'POST /x',
      outcome: 'ok',
      params: { body: { environment: ['DB_PASSWORD=hunter2'] } },
    });
    expect(appended[0].params).toEqual({ body: { environment: ['DB_PASSWORD=********'] } });
    expect(appended[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('never fails the call when the log cannot be written', async () => {
    const log = { append: jest.fn(async () => Promise.reject(new Error('disk full'))) } as unknown as AuditLog;
    await expect(
      new AuditService(log).record({ source: 'mcp', actor: 'a', role: 'admin', action: 't', outcome: 'ok' }),
    ).resolves.toBeUndefined();
  });
});

describe('MCP call hooks', () => {
  it('over HTTP, refuses a tool above the caller’s role and one without a role', () => {
    const { contexts } = setup();
    const ctx = contexts.forPrincipal({ name: 'bot', role: 'viewer' });
    expect(ctx.authorize!(tool('deploy_service', 'operator'))).toBe('forbidden: needs operator; the token "bot" is viewer');
    expect(ctx.authorize!(tool('list_services', 'viewer'))).toBeUndefined();
    expect(ctx.authorize!(tool('mystery', undefined))).toMatch(/^forbidden: the tool mystery declares no role/);
    expect(contexts.forPrincipal({ name: 'root', role: 'admin' }).authorize!(tool('drain_node', 'admin'))).toBeUndefined();
    // the tool that runs next sees its caller, for the deploy history
    expect(mcpActor()).toBe('mcp:root (admin)');
  });

  it('audits calls that may change something, with the target and the outcome, and skips reads', async () => {
    const { appended, contexts } = setup();
    const ctx = contexts.forPrincipal({ name: 'bot', role: 'operator' }, 'req-1');
    ctx.onCall!(tool('list_services', 'viewer', true), {}, { content: [] });
    ctx.onCall!(tool('scale_service', 'operator'), { name: 'web', replicas: 3 }, { content: [{ type: 'text', text: 'ok' }] });
    ctx.onCall!(
      tool('stop_service', 'operator'),
      { name: 'db' },
      { isError: true, content: [{ type: 'text', text: 'service db not found' }] },
    );
    await flush();
    expect(appended.map((e) => e.action)).toEqual(['scale_service', 'stop_service']);
    expect(appended[0]).toMatchObject({
      source: 'mcp',
      actor: 'bot',
      role: 'operator',
      target: 'web',
      params: { name: 'web', replicas: 3 },
      outcome: 'ok',
      requestId: 'req-1',
    });
    expect(appended[1]).toMatchObject({ target: 'db', outcome: 'error', error: 'service db not found' });
  });

  it('over stdio, trusts the local user but still audits', async () => {
    const { appended, contexts } = setup();
    const ctx = contexts.forLocal();
    // every tool, even one with no role, and the caller it names is the local user over stdio
    expect([tool('drain_node', 'admin'), tool('odd', undefined)].map((t) => ctx.authorize!(t))).toEqual([undefined, undefined]);
    expect(mcpActor()).toBe(MCP_STDIO_ACTOR);
    ctx.onCall!(tool('drain_node', 'admin'), { node: 'rog1' }, { content: [] });
    await flush();
    expect(appended[0]).toMatchObject({ actor: LOCAL_ACTOR, role: 'local', action: 'drain_node', target: 'rog1' });
  });
});
