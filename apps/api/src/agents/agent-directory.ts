import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from '@app/common';
import { AgentTask, NodeSummary, SwarmAgentTasks, SwarmNodes } from '@app/swarm';
import { AppConfig } from '../config/app-config';
import { AgentSecret } from './agent-secret';

export interface AgentEndpoint {
  nodeId: string;
  hostname: string;
  /** http://<task address on the agent overlay>:<port> */
  url: string;
  taskId: string;
}

/** connected: answered within the last 10 s; unreachable: a task runs but does not answer; no-agent: no task on the node. */
export type AgentState = 'connected' | 'unreachable' | 'no-agent';

export interface AgentStatus {
  nodeId: string;
  hostname: string;
  state: AgentState;
  /** Why it is not connected, in words. */
  reason?: string;
  taskId?: string;
  url?: string;
  lastSeenAt?: string;
}

/** An answer within this long counts as connected. */
export const CONNECTED_WINDOW_MS = 10_000;
const REQUEST_TIMEOUT_MS = 4000;

/**
 * Where each node's agent is: the agent service's tasks (as Swarmpit finds its
 * agents), refreshed every few seconds, and whether each one answered lately.
 * The only place in the app that talks to agents: `request()` adds the secret.
 */
@Injectable()
export class AgentDirectory implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AgentDirectory.name);
  private tasks: AgentTask[] = [];
  private nodes: NodeSummary[] = [];
  private refreshedAt = 0;
  private refreshing?: Promise<void>;
  private lastError?: string;
  private timer?: NodeJS.Timeout;
  private readonly seen = new Map<string, { at: number; taskId: string }>();
  private readonly failures = new Map<string, { at: number; message: string; taskId: string }>();

  constructor(
    private readonly config: AppConfig,
    private readonly agentTasks: SwarmAgentTasks,
    private readonly swarmNodes: SwarmNodes,
    private readonly secret: AgentSecret,
    private readonly http: HttpAdapterHost,
  ) {}

  get serviceName(): string {
    return this.config.agents.service;
  }

  onApplicationBootstrap(): void {
    // the stdio MCP server has no HTTP server and asks on demand only
    if (!this.http.httpAdapter) return;
    const interval = Math.min(3000, this.config.agents.sampleIntervalMs);
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), interval);
    this.timer.unref();
    void this.refresh().catch(() => undefined);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Reads the agent service's tasks and the nodes again (at most one read at a time). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const [tasks, nodes] = await Promise.all([this.agentTasks.list(this.serviceName), this.swarmNodes.list()]);
        this.tasks = tasks;
        this.nodes = nodes;
        this.refreshedAt = Date.now();
        this.lastError = undefined;
      } catch (err) {
        this.lastError = (err as Error).message;
        throw err;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.refreshedAt > 3000) await this.refresh();
  }

  private runningTask(nodeId: string): AgentTask | undefined {
    return this.tasks.find((t) => t.nodeId === nodeId && t.state === 'running' && t.address);
  }

  private node(idOrHostname: string): NodeSummary | undefined {
    const exact = this.nodes.find((n) => n.id === idOrHostname) ?? this.nodes.find((n) => n.hostname === idOrHostname);
    if (exact) return exact;
    const byPrefix = this.nodes.filter((n) => n.id.startsWith(idOrHostname));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  /** The agent of a node (id or hostname) when its task runs; undefined when the node has none. */
  async endpointFor(nodeId: string): Promise<AgentEndpoint | undefined> {
    await this.fresh();
    const node = this.node(nodeId);
    if (!node) return undefined;
    const task = this.runningTask(node.id);
    if (!task) return undefined;
    return { nodeId: node.id, hostname: node.hostname, url: `http://${task.address}:${this.config.agents.port}`, taskId: task.taskId };
  }

  /** Every node with its agent's state. */
  async list(): Promise<AgentStatus[]> {
    await this.fresh();
    const secretProblem = (await this.secret.value()) === undefined ? this.secret.problem() : undefined;
    return this.nodes.map((n) => this.statusOf(n, secretProblem)).sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  async statusFor(nodeId: string): Promise<AgentStatus> {
    await this.fresh();
    const node = this.node(nodeId);
    if (!node) throw new DomainError('NOT_FOUND', `node "${nodeId}" not found`);
    const secretProblem = (await this.secret.value()) === undefined ? this.secret.problem() : undefined;
    return this.statusOf(node, secretProblem);
  }

  private statusOf(n: NodeSummary, secretProblem: string | undefined): AgentStatus {
    const base = { nodeId: n.id, hostname: n.hostname };
    const task = this.runningTask(n.id);
    if (!task) {
      const pending = this.tasks.find((t) => t.nodeId === n.id);
      const reason = this.lastError
        ? `the agent service cannot be read: ${this.lastError}`
        : pending
          ? `the agent task is ${pending.state}`
          : this.tasks.length === 0
            ? `no agent service "${this.serviceName}" task runs on the swarm`
            : 'no agent task runs on this node';
      return { ...base, state: 'no-agent', reason };
    }
    const url = `http://${task.address}:${this.config.agents.port}`;
    const seen = this.seen.get(n.id);
    const lastSeenAt = seen ? new Date(seen.at).toISOString() : undefined;
    if (seen && seen.taskId === task.taskId && Date.now() - seen.at <= CONNECTED_WINDOW_MS) {
      return { ...base, state: 'connected', taskId: task.taskId, url, lastSeenAt };
    }
    const failure = this.failures.get(n.id);
    const reason =
      secretProblem ?? (failure && failure.taskId === task.taskId ? failure.message : 'the agent has not answered in the last 10 s');
    return { ...base, state: 'unreachable', reason, taskId: task.taskId, url, lastSeenAt };
  }

  /** The header that proves the app to an agent. */
  authHeader(): Promise<Record<string, string>> {
    return this.secret.authHeader();
  }

  /**
   * One request to a node's agent, with the secret. NOT_FOUND for an unknown
   * node, UNAVAILABLE when the node has no agent or it does not answer; an
   * agent's own error status is returned as is for the caller to map.
   */
  async request(nodeId: string, path: string, init: RequestInit = {}): Promise<Response> {
    await this.fresh();
    const node = this.node(nodeId);
    if (!node) throw new DomainError('NOT_FOUND', `node "${nodeId}" not found`);
    const endpoint = await this.endpointFor(node.id);
    if (!endpoint) throw new DomainError('UNAVAILABLE', `node "${node.hostname}" has no agent (service ${this.serviceName})`);
    const auth = await this.authHeader();
    if (!auth.authorization) throw new DomainError('UNAVAILABLE', this.secret.problem() ?? 'no agent secret');
    try {
      const res = await fetch(`${endpoint.url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), ...auth },
        signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.status === 401) {
        this.failed(endpoint, 'the agent refused the secret (401): the app and the agents hold different agent_secret values');
      } else this.seen.set(endpoint.nodeId, { at: Date.now(), taskId: endpoint.taskId });
      return res;
    } catch (err) {
      const message = `the agent at ${endpoint.url} did not answer: ${(err as Error).message}`;
      this.failed(endpoint, message);
      throw new DomainError('UNAVAILABLE', `node "${endpoint.hostname}": ${message}`);
    }
  }

  /** Like request(), for JSON answers: a non-2xx answer becomes the matching domain error. */
  async json<T>(nodeId: string, path: string): Promise<T> {
    const res = await this.request(nodeId, path);
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    if (res.ok) return body as T;
    const message = `agent on "${this.node(nodeId)?.hostname ?? nodeId}": ${body.message ?? res.statusText}`;
    if (res.status === 404) throw new DomainError('NOT_FOUND', message);
    if (res.status === 400) throw new DomainError('INVALID', message);
    throw new DomainError('UNAVAILABLE', message);
  }

  private failed(endpoint: AgentEndpoint, message: string): void {
    const before = this.failures.get(endpoint.nodeId);
    if (before?.message !== message) this.logger.warn(`agent on ${endpoint.hostname}: ${message}`);
    this.failures.set(endpoint.nodeId, { at: Date.now(), message, taskId: endpoint.taskId });
    this.seen.delete(endpoint.nodeId);
  }
}
