import websocket from '@fastify/websocket';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import {
  ContainerExec,
  DEFAULT_RUN_MAX_BYTES,
  DEFAULT_RUN_TIMEOUT_MS,
  ExecSession,
  parseConsoleControl,
  type ConsoleServerMessage,
} from '@app/swarm';
import { DomainError } from '@app/common';
import type { AgentContext } from './agent-context';

/** A larger message is refused: keystrokes and pastes are small, and control messages smaller still. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Past this much output not yet sent to the app, reading the terminal pauses (a `yes` must not fill the agent's memory). */
const HIGH_WATER_BYTES = 1024 * 1024;
export const MAX_RUN_BYTES = 1024 * 1024;
export const MAX_RUN_TIMEOUT_MS = 300_000;

const taskParams = {
  type: 'object',
  properties: { taskId: { type: 'string', pattern: '^[a-z0-9]{1,64}$' } },
  required: ['taskId'],
} as const;

const commandSchema = { type: 'array', items: { type: 'string', maxLength: 4096 }, minItems: 1, maxItems: 256 } as const;

interface SessionQuery {
  command: string;
  cols?: number;
  rows?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The exec session's container, found before the WebSocket handshake is answered. */
    execContainer?: string;
  }
}

/**
 * `docker exec` in a task's container on this node, for the app's console:
 * `POST /v1/tasks/:taskId/exec` runs one command and answers its output;
 * `GET /v1/tasks/:taskId/exec/session` (WebSocket) is an interactive terminal.
 * On the socket, binary messages are terminal bytes both ways; text messages are
 * JSON control: from the app `{"type":"resize","cols","rows"}`, to the app
 * `ready`, `exit` (with the exit code) and `error` (code and message).
 */
export const execRoutes: FastifyPluginAsync<AgentContext> = async (app, ctx) => {
  const exec = new ContainerExec(ctx.engine.client);
  await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });

  app.post<{ Params: { taskId: string }; Body: { command: string[]; maxBytes?: number; timeoutMs?: number } }>(
    '/v1/tasks/:taskId/exec',
    {
      schema: {
        params: taskParams,
        body: {
          type: 'object',
          properties: {
            command: commandSchema,
            maxBytes: { type: 'integer', minimum: 1, maximum: MAX_RUN_BYTES },
            timeoutMs: { type: 'integer', minimum: 100, maximum: MAX_RUN_TIMEOUT_MS },
          },
          required: ['command'],
          additionalProperties: false,
        },
      },
    },
    async (req) => {
      const container = await exec.taskContainer(req.params.taskId);
      const result = await exec.run(container, {
        command: req.body.command,
        maxBytes: req.body.maxBytes ?? DEFAULT_RUN_MAX_BYTES,
        timeoutMs: req.body.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
      });
      return { taskId: req.params.taskId, containerId: container, ...result };
    },
  );

  app.get<{ Params: { taskId: string }; Querystring: SessionQuery }>(
    '/v1/tasks/:taskId/exec/session',
    {
      websocket: true,
      schema: {
        params: taskParams,
        querystring: {
          type: 'object',
          properties: {
            command: { type: 'string', minLength: 2, maxLength: 16_384 },
            cols: { type: 'integer', minimum: 1, maximum: 1000 },
            rows: { type: 'integer', minimum: 1, maximum: 1000 },
          },
          required: ['command'],
        },
      },
      // before the handshake is answered, so the app reads a refusal as an HTTP status (404, 409, 400)
      preHandler: async (req: FastifyRequest<{ Params: { taskId: string }; Querystring: SessionQuery }>) => {
        parseCommand(req.query.command);
        req.execContainer = await exec.taskContainer(req.params.taskId);
      },
    },
    (socket, req) => {
      const send = (m: ConsoleServerMessage) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(m));
      // messages may arrive while the exec starts: keep them for the session
      const early: Array<{ data: Buffer; binary: boolean }> = [];
      let session: ExecSession | undefined;
      let closed = false;
      const onMessage = (data: Buffer, binary: boolean) => {
        if (!session) return void early.push({ data, binary });
        if (binary) return session.write(data);
        const control = parseConsoleControl(data.toString('utf8'));
        if (!control.ok) return send({ type: 'error', code: 'INVALID', message: control.message });
        if (control.message.type === 'resize') {
          session
            .resize(control.message.cols, control.message.rows)
            .catch((err: Error) => send({ type: 'error', code: 'INVALID', message: err.message }));
        }
      };
      socket.on('message', (data: Buffer, binary: boolean) => onMessage(data, binary));
      socket.on('close', () => {
        closed = true;
        void session?.close();
      });
      const { cols, rows } = req.query;
      const started = Date.now();
      exec
        .open(req.execContainer!, { command: parseCommand(req.query.command), cols, rows })
        .then((s) => {
          session = s;
          if (closed) return void s.close();
          ctx.log?.info({ taskId: req.params.taskId, execId: s.id, command: req.query.command }, 'exec session opened');
          send({ type: 'ready', containerId: s.containerId, execId: s.id });
          pipeOutput(s, socket);
          for (const m of early.splice(0)) onMessage(m.data, m.binary);
          void s.exited.then((exitCode) => {
            ctx.log?.info({ taskId: req.params.taskId, execId: s.id, exitCode, durationMs: Date.now() - started }, 'exec session ended');
            if (closed) return;
            send({ type: 'exit', exitCode });
            socket.close(1000, 'the command ended');
          });
        })
        .catch((err: Error) => {
          send({ type: 'error', code: err instanceof DomainError ? err.code : 'UNAVAILABLE', message: err.message });
          socket.close(1011, 'exec failed');
        });
    },
  );
};

/** Terminal output to the socket, pausing the terminal while the socket is backed up. */
function pipeOutput(session: ExecSession, socket: WebSocket): void {
  session.output.on('data', (chunk: Buffer) => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(chunk, { binary: true });
    if (socket.bufferedAmount > HIGH_WATER_BYTES) {
      session.output.pause();
      const resume = setInterval(() => {
        if (socket.readyState !== socket.OPEN || socket.bufferedAmount < HIGH_WATER_BYTES / 4) {
          clearInterval(resume);
          session.output.resume();
        }
      }, 20);
    }
  });
}

/** The session's command: a JSON list of strings in the query (the app has already split what the user typed). */
export function parseCommand(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('INVALID', 'command: must be a JSON list of strings, e.g. ["sh"]');
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((p) => typeof p !== 'string') || String(value[0]).trim() === '') {
    throw new DomainError('INVALID', 'command: must be a non-empty JSON list of strings, e.g. ["sh"]');
  }
  return value as string[];
}
