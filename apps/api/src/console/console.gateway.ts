import websocket from '@fastify/websocket';
import { HttpException, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type WebSocket from 'ws';
import { DomainError } from '@app/common';
import { parseConsoleControl, type ConsoleServerMessage } from '@app/swarm';
import { decorateAuthError } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import type { AccessEnd, Principal } from '../auth/principal';
import { roleSatisfies } from '../auth/roles';
import { commandWords } from './command-line';
import { BEARER_PROTOCOL_PREFIX, CLOSE_ACCESS_ENDED, CLOSE_FAILED, CONSOLE_PATH, CONSOLE_PROTOCOL } from './console.constants';
import { ConsoleAudit, describeTarget, MAX_AUDITED_INPUT } from './console-audit';
import { ConsoleService, type ConsoleTarget } from './console.service';

const MAX_MESSAGE_BYTES = 1024 * 1024;
const PING_MS = 25_000;

interface SessionQuery {
  command?: string;
  cols?: string;
  rows?: string;
}

/**
 * The console's WebSocket route, `GET /api/console/tasks/:taskId/session`:
 * an admin's terminal in a running task, relayed to the agent on the task's
 * node. Authentication is the REST API's (the same tokens, rate limit and
 * revocation), checked before the handshake is answered; the session ends when
 * the token is revoked or expires, and is audited when it opens and ends.
 */
@Injectable()
export class ConsoleGateway {
  private readonly logger = new Logger('Console');

  constructor(
    private readonly auth: AuthService,
    private readonly consoles: ConsoleService,
    private readonly consoleAudit: ConsoleAudit,
  ) {}

  /** Adds the route to the app's Fastify instance (a Nest controller cannot declare a WebSocket route). */
  register(fastify: FastifyInstance): void {
    void fastify.register(async (scope) => {
      await scope.register(websocket, {
        options: {
          maxPayload: MAX_MESSAGE_BYTES,
          handleProtocols: (offered: Set<string>) => (offered.has(CONSOLE_PROTOCOL) ? CONSOLE_PROTOCOL : false),
        },
      });
      scope.get<{ Params: { taskId: string }; Querystring: SessionQuery }>(
        CONSOLE_PATH,
        { websocket: true, preValidation: (req, reply) => this.admit(req, reply) },
        (socket, req) => void this.session(socket, req),
      );
    });
  }

  /** Before the handshake: an admin token, from the Authorization header or the bearer subprotocol. */
  private async admit(req: FastifyRequest<{ Params: { taskId: string } }>, reply: FastifyReply): Promise<void> {
    const fromProtocol = bearerFromProtocols(req.headers['sec-websocket-protocol']);
    if (fromProtocol !== undefined && req.headers.authorization === undefined) req.headers.authorization = `Bearer ${fromProtocol}`;
    let principal: Principal;
    try {
      principal = await this.auth.authenticate(req);
    } catch (err) {
      decorateAuthError(err, reply);
      const status = err instanceof HttpException ? err.getStatus() : 500;
      return refuse(reply, status, err instanceof Error ? err.message : String(err));
    }
    if (!roleSatisfies(principal.role, 'admin')) {
      const message = `forbidden: the console needs admin; the token "${principal.name}" is ${principal.role}`;
      this.consoleAudit.forbidden(principal, req, message);
      return refuse(reply, 403, message);
    }
  }

  private async session(browser: WebSocket, req: FastifyRequest<{ Params: { taskId: string }; Querystring: SessionQuery }>) {
    const principal = req.principal!;
    const startedAt = new Date();
    const send = (m: ConsoleServerMessage) => browser.readyState === browser.OPEN && browser.send(JSON.stringify(m));
    // keystrokes typed while the agent connects are kept and sent once it has
    const early: Array<{ data: Buffer; binary: boolean }> = [];
    let agent: WebSocket | undefined;
    let input = '';
    let ended = false;
    let target: ConsoleTarget | undefined;
    let command: string[] = [];
    let exitCode: number | null | undefined;

    const end = (why: { reason: string; code: number; message?: ConsoleServerMessage; error?: string }) => {
      if (ended) return;
      ended = true;
      unwatch();
      clearInterval(ping);
      if (why.message) send(why.message);
      if (browser.readyState === browser.OPEN) browser.close(why.code, why.reason.slice(0, 120));
      if (agent && agent.readyState !== agent.CLOSED) agent.close(1000, 'the console closed');
      if (target)
        void this.consoleAudit.ended(principal, req, target, { command, startedAt, reason: why.reason, exitCode, error: why.error, input });
    };

    const forward = (data: Buffer, binary: boolean) => {
      if (!agent) return void early.push({ data, binary });
      if (binary) {
        if (this.consoleAudit.keepsInput && input.length < MAX_AUDITED_INPUT) input += data.toString('utf8');
        return agent.readyState === agent.OPEN && agent.send(data, { binary: true });
      }
      const control = parseConsoleControl(data.toString('utf8'));
      if (!control.ok) return send({ type: 'error', code: 'INVALID', message: control.message });
      if (agent.readyState === agent.OPEN) agent.send(JSON.stringify(control.message));
    };
    browser.on('message', (data: Buffer, binary: boolean) => forward(data, binary));
    browser.on('close', () => end({ reason: 'closed by the browser', code: 1000 }));
    const ping = setInterval(() => browser.readyState === browser.OPEN && browser.ping(), PING_MS);
    const unwatch =
      req.watchAccess?.((reason: AccessEnd) =>
        end({
          reason,
          code: CLOSE_ACCESS_ENDED,
          message: { type: 'end', reason, message: `the session ended: ${reason}; sign in with a valid token to open another` },
        }),
      ) ?? (() => undefined);

    try {
      command = commandWords(req.query.command);
      target = await this.consoles.target(req.params.taskId);
      const size = { cols: sizeOf(req.query.cols, 'cols'), rows: sizeOf(req.query.rows, 'rows') };
      const connected = await this.consoles.connect(target, command, size);
      if (ended) return void connected.close(1000, 'the console closed');
      agent = connected;
    } catch (err) {
      const e = err instanceof DomainError ? err : new DomainError('UNAVAILABLE', (err as Error).message);
      if (target)
        void this.consoleAudit.ended(principal, req, target, { command, startedAt, reason: 'failed to open', error: e.message, input: '' });
      else this.consoleAudit.refused(principal, req, command, e.message);
      return end({ reason: 'failed to open', code: CLOSE_FAILED, message: { type: 'error', code: e.code, message: e.message } });
    }
    const t = target;
    this.consoleAudit.opened(principal, req, t, command, startedAt);
    this.logger.log(`${principal.name} opened a console in ${describeTarget(t)}: ${JSON.stringify(command)}`);

    agent.on('message', (data: Buffer, binary: boolean) => {
      if (binary) return browser.readyState === browser.OPEN && browser.send(data, { binary: true });
      const text = data.toString('utf8');
      let m: ConsoleServerMessage | undefined;
      try {
        m = JSON.parse(text) as ConsoleServerMessage;
      } catch {
        return;
      }
      if (m.type === 'ready') {
        return send({ ...m, taskId: t.taskId, service: t.serviceName, slot: t.slot, node: t.nodeHostname, command });
      }
      if (m.type === 'exit') exitCode = m.exitCode;
      send(m);
    });
    agent.on('close', (code: number, reason: Buffer) => {
      if (exitCode !== undefined) return end({ reason: `the command ended (exit code ${exitCode})`, code: 1000 });
      const why = reason.toString() || `the agent closed the session (${code})`;
      end({ reason: why, code: CLOSE_FAILED, message: { type: 'end', reason: why, message: `the session ended: ${why}` } });
    });
    agent.on('error', (err: Error) => this.logger.warn(`console in ${describeTarget(t)}: the agent's socket failed: ${err.message}`));
    for (const m of early.splice(0)) forward(m.data, m.binary);
  }
}

/** The token a browser offered as `bearer.<base64url>` among its subprotocols. */
export function bearerFromProtocols(header: string | string[] | undefined): string | undefined {
  const offered = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((p) => p.trim());
  const entry = offered.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
  if (entry === undefined) return undefined;
  return Buffer.from(entry.slice(BEARER_PROTOCOL_PREFIX.length), 'base64url').toString('utf8');
}

function sizeOf(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new DomainError('INVALID', `${name}: must be a whole number from 1 to 1000`);
  return n;
}

function refuse(reply: FastifyReply, status: number, message: string): void {
  const error = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 429 ? 'Too Many Requests' : 'Error';
  void reply.code(status).send({ statusCode: status, error, message });
}
