import { Injectable } from '@nestjs/common';
import WebSocket from 'ws';
import { DomainError, DOMAIN_ERROR_CODES, type DomainErrorCode } from '@app/common';
import { SwarmServices, type ExecRunResult } from '@app/swarm';
import { AgentDirectory } from '../agents/agent-directory';
import { ConsoleTargetDto, toConsoleTargetDto } from './console.dto';

/** What the console opens into: a running task and the node that runs it. */
export interface ConsoleTarget {
  taskId: string;
  serviceName?: string;
  slot?: number;
  nodeId: string;
  nodeHostname: string;
  containerId?: string;
}

export interface ConsoleRunOptions {
  /** Bytes of stdout and stderr kept together. */
  maxBytes: number;
  timeoutMs: number;
}

export type ConsoleRunResult = ExecRunResult & { target: ConsoleTarget; command: string[] };

/** The reason in an UNAVAILABLE error's details when the task's node has no agent that answers. */
export const AGENT_UNAVAILABLE = 'AGENT_UNAVAILABLE';
/** How long the agent may take to answer a session's handshake (it finds the container first). */
const AGENT_HANDSHAKE_MS = 10_000;
/** A one-shot command's answer may take its own timeout plus this. */
const RUN_MARGIN_MS = 10_000;

/**
 * `exec` into tasks on any node: the app finds the task's node on the manager,
 * and that node's agent runs the command against its own Engine (an exec is
 * not a swarm operation: only the container's own Engine can do it).
 */
@Injectable()
export class ConsoleService {
  constructor(
    private readonly services: SwarmServices,
    private readonly agents: AgentDirectory,
  ) {}

  /** The task, if it runs: NOT_FOUND for an unknown task, CONFLICT for one that is not running. */
  async target(taskId: string): Promise<ConsoleTarget> {
    const task = await this.services.task(taskId);
    if (task.state !== 'running' || !task.nodeId) {
      throw new DomainError('CONFLICT', `task ${taskId} is ${task.state}, not running: only a running task has a console`);
    }
    return {
      taskId: task.id,
      serviceName: task.serviceName,
      slot: task.slot,
      nodeId: task.nodeId,
      nodeHostname: task.nodeHostname ?? task.nodeId,
      containerId: task.containerId,
    };
  }

  /** The target and its node's agent, for the page before it opens the terminal. */
  async describe(taskId: string): Promise<ConsoleTargetDto> {
    const target = await this.target(taskId);
    return toConsoleTargetDto(target, await this.agents.statusFor(target.nodeId));
  }

  /** Where the task's node agent listens and the header it expects; UNAVAILABLE (reason AGENT_UNAVAILABLE) when the node has none. */
  async agentFor(target: ConsoleTarget): Promise<{ url: string; headers: Record<string, string> }> {
    const endpoint = await this.agents.endpointFor(target.nodeId).catch((err: unknown) => {
      // the agents cannot be listed (Docker failing): for the console that is the same as no agent on the node
      if (err instanceof DomainError && err.code !== 'INVALID') {
        throw agentUnavailable(target, `node "${target.nodeHostname}" has no agent: ${err.message}`);
      }
      throw err;
    });
    if (!endpoint) {
      throw agentUnavailable(
        target,
        `node "${target.nodeHostname}" has no agent running (service ${this.agents.serviceName}): the console needs one there`,
      );
    }
    const headers = await this.agents.authHeader();
    if (!headers.authorization) throw agentUnavailable(target, `the app has no agent secret, so no agent would answer it`);
    return { url: endpoint.url, headers };
  }

  /** Runs one command in a running task (no terminal) and answers its output, capped. */
  async run(taskId: string, command: string[], opts: ConsoleRunOptions): Promise<ConsoleRunResult> {
    const target = await this.target(taskId);
    const agent = await this.agentFor(target);
    let res: Response;
    try {
      res = await fetch(`${agent.url}/v1/tasks/${encodeURIComponent(taskId)}/exec`, {
        method: 'POST',
        headers: { ...agent.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ command, maxBytes: opts.maxBytes, timeoutMs: opts.timeoutMs }),
        signal: AbortSignal.timeout(opts.timeoutMs + RUN_MARGIN_MS),
      });
    } catch (err) {
      throw agentUnavailable(target, `the agent on "${target.nodeHostname}" at ${agent.url} did not answer: ${(err as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as Partial<ExecRunResult> & { error?: string; message?: string };
    if (!res.ok) throw agentError(target, res.status, body);
    return {
      target,
      command,
      stdout: body.stdout ?? '',
      stderr: body.stderr ?? '',
      exitCode: body.exitCode ?? null,
      truncated: Boolean(body.truncated),
      timedOut: Boolean(body.timedOut),
      durationMs: body.durationMs ?? 0,
    };
  }

  /**
   * Opens the interactive session on the task's node agent and resolves once
   * the agent has accepted it (it found the running container); the agent's
   * refusal becomes the matching domain error.
   */
  async connect(target: ConsoleTarget, command: string[], size: { cols?: number; rows?: number }): Promise<WebSocket> {
    const agent = await this.agentFor(target);
    const query = new URLSearchParams({ command: JSON.stringify(command) });
    if (size.cols && size.rows) {
      query.set('cols', String(size.cols));
      query.set('rows', String(size.rows));
    }
    const url = `${agent.url.replace(/^http/, 'ws')}/v1/tasks/${encodeURIComponent(target.taskId)}/exec/session?${query}`;
    return new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url, { headers: agent.headers, handshakeTimeout: AGENT_HANDSHAKE_MS });
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_req, res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk.slice(0, 4096)));
        res.on('end', () => {
          let body: { error?: string; message?: string } = {};
          try {
            body = JSON.parse(text) as typeof body;
          } catch {
            body = { message: text || res.statusMessage };
          }
          reject(agentError(target, res.statusCode ?? 502, body));
        });
        socket.terminate();
      });
      socket.once('error', (err) =>
        reject(agentUnavailable(target, `the agent on "${target.nodeHostname}" at ${agent.url} did not answer: ${err.message}`)),
      );
    });
  }
}

function agentUnavailable(target: ConsoleTarget, message: string): DomainError {
  return new DomainError('UNAVAILABLE', message, { reason: AGENT_UNAVAILABLE, node: target.nodeHostname });
}

/** The agent's own refusal, with its code where it sent one (NOT_FOUND: the container is gone; CONFLICT: not running). */
function agentError(target: ConsoleTarget, status: number, body: { error?: string; message?: string }): DomainError {
  const message = `agent on "${target.nodeHostname}": ${body.message ?? `HTTP ${status}`}`;
  if (status === 401) {
    return agentUnavailable(target, `${message} (the app and the agents hold different agent secrets)`);
  }
  const code = (DOMAIN_ERROR_CODES as readonly string[]).includes(body.error ?? '') ? (body.error as DomainErrorCode) : undefined;
  if (code) return new DomainError(code, message);
  if (status === 400) return new DomainError('INVALID', message);
  if (status === 404) return new DomainError('NOT_FOUND', message);
  return agentUnavailable(target, message);
}
