import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { DockerClient } from './docker.client';
import { withVersionRetry } from './swarm-error';
import { isEligible, type EligibilityNode } from './stack/node-eligibility';
import type { EngineNode, EngineService, EngineTask, EngineWriteResponse } from './engine.types';
import { sortTasks, toLiveServices, toReplicaState, toServiceState, toTaskSummary } from './swarm.mappers';
import type { ConvergenceProgress, ConvergenceResult, LiveService, ServiceState, TaskSummary } from './swarm.types';
import type { ServiceSpec } from './service-spec.types';

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

/** Task states that mean a replica ended without being asked to. */
const FAILED = new Set(['complete', 'failed', 'rejected', 'orphaned']);

@Injectable()
export class SwarmServices {
  constructor(private readonly docker: DockerClient) {}

  /** Every service with its running count: three Engine calls, whatever the number of services. */
  async listLive(): Promise<LiveService[]> {
    const [services, tasks, nodes] = await Promise.all([
      this.docker.run('services', (d) => d.listServices({ status: true } as object) as Promise<unknown> as Promise<EngineService[]>),
      this.docker.run('tasks', (d) => d.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }) }) as Promise<EngineTask[]>),
      this.listNodes(),
    ]);
    return toLiveServices(services, tasks, nodes);
  }

  /** Failed or rejected tasks per service id since `sinceMs`: one Engine call for the whole swarm. */
  async recentTaskFailures(sinceMs: number): Promise<Map<string, { count: number; lastError?: string }>> {
    const tasks = await this.docker.run('tasks', (d) => d.listTasks() as Promise<EngineTask[]>);
    const out = new Map<string, { count: number; lastError?: string }>();
    for (const t of tasks) {
      const state = t.Status?.State;
      if ((state !== 'failed' && state !== 'rejected') || Date.parse(t.Status?.Timestamp ?? t.UpdatedAt ?? '0') < sinceMs) continue;
      const cur = out.get(t.ServiceID) ?? { count: 0 };
      out.set(t.ServiceID, { count: cur.count + 1, lastError: t.Status?.Err ?? cur.lastError });
    }
    return out;
  }

  /** The service's spec, previous spec, version and update status; NOT_FOUND names it. */
  async inspect(name: string): Promise<ServiceState> {
    return toServiceState(await this.raw(name));
  }

  private raw(name: string): Promise<EngineService> {
    return this.docker.run(`service "${name}"`, (d) => d.getService(name).inspect() as Promise<EngineService>);
  }

  private listNodes(): Promise<EngineNode[]> {
    return this.docker.run('nodes', (d) => d.listNodes() as Promise<unknown> as Promise<EngineNode[]>);
  }

  /** Network ids to names: the Engine keeps a service's networks by id, a definition names them. */
  async networkNames(): Promise<Map<string, string>> {
    const networks = await this.docker.run(
      'networks',
      (d) => d.listNetworks() as Promise<unknown> as Promise<Array<{ Id: string; Name: string }>>,
    );
    return new Map(networks.map((n) => [n.Id, n.Name]));
  }

  async exists(name: string): Promise<boolean> {
    try {
      await this.inspect(name);
      return true;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return false;
      throw err;
    }
  }

  async tasks(name: string): Promise<TaskSummary[]> {
    const service = await this.inspect(name);
    const [tasks, nodes] = await Promise.all([
      this.docker.run(
        `tasks of service "${name}"`,
        (d) => d.listTasks({ filters: JSON.stringify({ service: [service.id] }) }) as Promise<EngineTask[]>,
      ),
      this.listNodes(),
    ]);
    const hostnames = hostnamesOf(nodes);
    // a service-name filter also matches name prefixes; keep this service's own tasks
    return sortTasks(tasks.filter((t) => t.ServiceID === service.id).map((t) => toTaskSummary(t, hostnames, name)));
  }

  /** What runs (or is meant to run) on one node, with each task's service name. */
  async tasksOnNode(nodeId: string, hostname?: string): Promise<TaskSummary[]> {
    const [tasks, services] = await Promise.all([
      this.docker.run(
        `tasks on node "${hostname ?? nodeId}"`,
        (d) => d.listTasks({ filters: JSON.stringify({ node: [nodeId], 'desired-state': ['running'] }) }) as Promise<EngineTask[]>,
      ),
      this.docker.run('services', (d) => d.listServices() as Promise<unknown> as Promise<EngineService[]>),
    ]);
    const names = new Map(services.map((s) => [s.ID, s.Spec?.Name]));
    const hostnames = new Map<string, string>(hostname ? [[nodeId, hostname]] : []);
    return sortTasks(tasks.map((t) => toTaskSummary(t, hostnames, names.get(t.ServiceID)))).sort((a, b) =>
      (a.serviceName ?? '').localeCompare(b.serviceName ?? ''),
    );
  }

  /** One task by id, with its service's name and its node's hostname (for exec: which node runs it). */
  async task(taskId: string): Promise<TaskSummary> {
    if (!/^[a-z0-9]{1,64}$/i.test(taskId)) throw new DomainError('INVALID', `taskId: "${taskId}" is not a task id`);
    const task = await this.docker.run(`task ${taskId}`, (d) => d.getTask(taskId).inspect() as Promise<EngineTask>);
    const [service, node] = await Promise.all([
      this.docker
        .run(`service ${task.ServiceID}`, (d) => d.getService(task.ServiceID).inspect() as Promise<EngineService>)
        .catch(() => undefined),
      task.NodeID
        ? this.docker.run(`node ${task.NodeID}`, (d) => d.getNode(task.NodeID!).inspect() as Promise<EngineNode>).catch(() => undefined)
        : undefined,
    ]);
    return toTaskSummary(task, hostnamesOf(node ? [node] : []), service?.Spec?.Name);
  }

  async create(spec: ServiceSpec, opts: { registryAuth?: RegistryAuth } = {}): Promise<{ id: string; warnings: string[] }> {
    const body = { ...spec, ...(opts.registryAuth ? { authconfig: opts.registryAuth } : {}) };
    const res = await this.docker.run(`service "${spec.Name}"`, (d) => d.createService(body as object) as Promise<EngineWriteResponse>);
    return { id: res.id ?? res.ID ?? '', warnings: res.Warnings ?? [] };
  }

  /**
   * Read-modify-write with the service's current version index, retried on
   * "update out of sequence": `mutate` sees the spec as it is now.
   */
  async update(
    name: string,
    mutate: (spec: ServiceSpec, current: ServiceState) => ServiceSpec,
    opts: { registryAuth?: RegistryAuth; rollback?: boolean } = {},
  ): Promise<{ warnings: string[] }> {
    return withVersionRetry(async () => {
      const current = await this.inspect(name);
      const spec = opts.rollback ? current.spec : mutate(structuredClone(current.spec), current);
      const body: Record<string, unknown> = { ...spec, version: current.version };
      if (opts.registryAuth) body.authconfig = opts.registryAuth;
      if (opts.rollback) body.rollback = 'previous';
      const res = await this.docker.run(
        `service "${name}"`,
        (d) => d.getService(current.id).update(body) as Promise<EngineWriteResponse | undefined>,
      );
      return { warnings: res?.Warnings ?? [] };
    });
  }

  async remove(name: string): Promise<void> {
    await this.docker.run(`service "${name}"`, (d) => d.getService(name).remove());
  }

  /**
   * Sets the replicas of a replicated service (INVALID for a global one).
   * `labels`, when given, says the service's labels after the scale, from the
   * spec as it is when the update is made.
   */
  async scale(name: string, replicas: number, opts: { labels?: (current: ServiceState) => Record<string, string> } = {}): Promise<void> {
    await this.update(name, (spec, current) => {
      if (current.mode === 'global') throw globalScaleRefusal(name);
      return { ...spec, Mode: { Replicated: { Replicas: replicas } }, ...(opts.labels ? { Labels: opts.labels(current) } : {}) };
    });
  }

  /** Restarts every task, as `docker service update --force`. */
  async forceUpdate(name: string): Promise<void> {
    await this.update(name, (spec) => ({
      ...spec,
      TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate?.ForceUpdate ?? 0) + 1 },
    }));
  }

  /** Back to the previous spec, as `docker service rollback`. */
  async rollback(name: string): Promise<void> {
    await this.rollbackTarget(name);
    await this.update(name, (s) => s, { rollback: true });
  }

  /** The service now and the spec a rollback returns to; CONFLICT when there is none. */
  async rollbackTarget(name: string): Promise<{ current: ServiceState; previous: ServiceSpec }> {
    const current = await this.inspect(name);
    if (!current.previousSpec) throw new DomainError('CONFLICT', `service "${name}" has no previous spec to roll back to`);
    return { current, previous: current.previousSpec };
  }

  /**
   * Polls the service's tasks until the desired replicas run and keep running
   * for a monitor window (converged), a replica keeps failing (failed), or the
   * time is up (timeout). Never hangs.
   *
   * The window is the service's `UpdateConfig.Monitor`, else 5 s — what
   * `docker service create --detach=false` waits for: a crash-looping task is
   * "running" for a moment between its restarts, and a single look would call
   * it converged. The same running tasks must be seen through the whole window.
   */
  async waitForConvergence(
    name: string,
    opts: { timeoutMs: number; intervalMs?: number; stableMs?: number; onProgress?: (p: ConvergenceProgress) => void; since?: Date },
  ): Promise<ConvergenceResult> {
    const started = Date.now();
    const interval = opts.intervalMs ?? 300;
    let last: ConvergenceProgress = { service: name, desired: 0, running: 0, replicas: [] };
    let runningSet = '';
    let runningSince = started;
    for (;;) {
      const service = await this.inspect(name);
      const tasks = await this.tasks(name);
      const global = service.mode === 'global';
      const current = tasks.filter((t) => t.desiredState === 'running' || t.desiredState === 'ready');
      const desired = global ? await this.eligibleNodes(service) : (service.replicas ?? 0);
      const replicas = current.map(toReplicaState);
      const running = current.filter((t) => t.state === 'running').length;
      last = { service: name, desired, running, replicas };
      opts.onProgress?.(last);
      const updateState = service.updateStatus?.state;
      const updating = updateState === 'updating' || updateState === 'rollback_started';
      const oldRunning = tasks.some((t) => t.desiredState === 'shutdown' && t.state === 'running');
      const stableMs = opts.stableMs ?? monitorMs(service);
      const set = current
        .filter((t) => t.state === 'running')
        .map((t) => t.id)
        .sort()
        .join(',');
      if (set !== runningSet) [runningSet, runningSince] = [set, Date.now()];
      // a global service with no eligible node has nothing to converge to: never "0/0 converged"
      const allRunning = running === desired && current.length === desired && !updating && !oldRunning && !(global && desired === 0);
      if (allRunning && (desired === 0 || Date.now() - runningSince >= stableMs)) {
        const stable = desired === 0 || stableMs === 0 ? '' : `, stable for ${formatSeconds(stableMs)}`;
        return {
          ...last,
          outcome: 'converged',
          message: `${running}/${desired} replicas running${stable}`,
          elapsedMs: Date.now() - started,
        };
      }
      const since = opts.since?.toISOString() ?? new Date(started - 1000).toISOString();
      // a task that completes while the service wants it running exited: for a service that is a failure too
      const failures = tasks.filter((t) => FAILED.has(t.state) && (t.createdAt ?? '') >= since);
      if (updateState === 'paused' || updateState === 'rollback_paused' || failures.length >= Math.max(3, desired * 2)) {
        const reason = service.updateStatus?.message ?? failures[0]?.error ?? failures[0]?.message ?? 'tasks keep failing';
        return {
          ...last,
          outcome: 'failed',
          message: `${running}/${desired} replicas running; ${reason}`,
          elapsedMs: Date.now() - started,
        };
      }
      if (Date.now() - started + interval > opts.timeoutMs) {
        const reason = allRunning
          ? `not yet stable for ${formatSeconds(stableMs)}`
          : (failures[0]?.error ?? current.find((t) => t.state !== 'running')?.message ?? 'not all replicas running yet');
        return {
          ...last,
          outcome: 'timeout',
          message: `${running}/${desired} replicas running after ${opts.timeoutMs} ms; ${reason}`,
          elapsedMs: Date.now() - started,
        };
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /**
   * What a global service's desired count is: the nodes the scheduler would
   * give it a task on (active, ready, matching its constraints and platforms),
   * not the tasks listed so far, which are none right after a create.
   */
  private async eligibleNodes(service: ServiceState): Promise<number> {
    const nodes: EligibilityNode[] = await this.docker.run('nodes', (d) => d.listNodes());
    return nodes.filter((n) => isEligible(n, service.spec.TaskTemplate?.Placement)).length;
  }
}

/** The service's failure-monitor window in ms: `UpdateConfig.Monitor` (ns), else (unset or 0) Docker's 5 s. */
function monitorMs(service: ServiceState): number {
  const ns = service.spec.UpdateConfig?.Monitor;
  return typeof ns === 'number' && ns > 0 ? Math.round(ns / 1e6) : 5000;
}

const formatSeconds = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

function hostnamesOf(nodes: EngineNode[]): Map<string, string> {
  return new Map(nodes.flatMap((n) => (n.Description?.Hostname ? [[n.ID, n.Description.Hostname] as const] : [])));
}

/** The one refusal for scaling a global service, whichever way the scale came. */
export function globalScaleRefusal(name: string): DomainError {
  return new DomainError('INVALID', `service "${name}" is global: it runs one task per eligible node and cannot be scaled`);
}
