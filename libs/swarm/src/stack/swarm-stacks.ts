import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { DockerClient } from '../docker.client';
import { SwarmServices } from '../swarm-services';
import { SwarmLogs } from '../swarm-logs';
import { sortTasks, toReplicaState, toTaskSummary } from '../swarm.mappers';
import type { EngineNode, EngineService, EngineTask } from '../engine.types';
import type { ConvergenceProgress, ConvergenceResult } from '../swarm.types';
import type { ServiceSpec } from '../service-spec.types';
import type { ComposeProject } from './compose-project';
import { convertStack } from './stack-convert';
import { serviceSpecDrift } from './stack-drift';
import { asRequestFault } from './stack-errors';
import { mergeLogStreams } from './stack-logs';
import { nsFilter, StackObjects, withObjectIds, type EngineNetwork, type EngineObject } from './stack-objects';
import {
  STACK_IMAGE_LABEL,
  STACK_NAMESPACE_LABEL,
  type SpecDifference,
  type StackDeployOptions,
  type StackDeployResult,
  type StackLogLine,
  type StackLogOptions,
  type StackPlan,
  type StackServiceSummary,
  type StackSummary,
  type StackTask,
  containerSpecOf,
  taskTemplateOf,
} from './stack.types';

const descope = (stack: string, name: string) => (name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name);
const modeOf = (spec: ServiceSpec | undefined): StackServiceSummary['mode'] => {
  const m = (spec?.Mode ?? {}) as Record<string, unknown>;
  return m.Global ? 'global' : m.ReplicatedJob ? 'replicated-job' : m.GlobalJob ? 'global-job' : 'replicated';
};
const OUTCOME_RANK: Record<ConvergenceResult['outcome'], number> = { converged: 0, timeout: 1, failed: 2 };

/**
 * Compose stacks on the swarm, as `docker stack deploy / rm / ls / services /
 * ps` handle them: every object carries the namespace label, so stacks made
 * by the CLI and by this library are the same thing.
 */
@Injectable()
export class SwarmStacks {
  private readonly objects: StackObjects;

  constructor(
    private readonly docker: DockerClient,
    private readonly services: SwarmServices,
    private readonly logsOf: SwarmLogs,
  ) {
    this.objects = new StackObjects(docker);
  }

  /** The Engine objects a compose project becomes (nothing is created). INVALID names the compose key. */
  plan(project: ComposeProject, stack: string): StackPlan {
    return convertStack(project, stack);
  }

  /**
   * Deploys a stack as `docker stack deploy` does: networks, then configs and
   * secrets, then services created or updated (with the service's current
   * version, through SwarmServices.update). Configs and secrets are named by
   * their content's hash, so a change makes a new object the services move
   * to; the versions no service uses any more are removed once the stack
   * converged.
   */
  async deploy(project: ComposeProject, stack: string, opts: StackDeployOptions = {}): Promise<StackDeployResult> {
    const started = Date.now();
    const plan = convertStack(project, stack);
    const emit = opts.onEvent ?? (() => undefined);
    const result: StackDeployResult = {
      stack,
      services: [],
      removedServices: [],
      createdNetworks: [],
      createdConfigs: [],
      createdSecrets: [],
      removedObjects: [],
      elapsedMs: 0,
    };

    await this.objects.checkExternalNetworks(plan);
    const ids = await this.objects.resolveExternalObjects(project, plan);

    const existing: EngineService[] = await this.servicesOf(stack);
    if (opts.prune) {
      const wanted = new Set(plan.services.map((s) => s.name));
      for (const s of existing.filter((x) => x.Spec?.Name && !wanted.has(x.Spec.Name))) {
        await this.services.remove(s.ID);
        result.removedServices.push(s.Spec?.Name ?? s.ID);
        emit({ kind: 'service', name: s.Spec?.Name ?? s.ID, action: 'removed', warnings: [] });
      }
    }

    await this.objects.createNetworks(plan, result, emit);
    for (const obj of [...plan.configs, ...plan.secrets]) {
      const id = await this.objects.ensureObject(obj);
      ids.set(`${obj.kind}/${obj.name}`, id.id);
      if (id.created) (obj.kind === 'configs' ? result.createdConfigs : result.createdSecrets).push(obj.name);
      emit({ kind: obj.kind === 'configs' ? 'config' : 'secret', name: obj.name, action: id.created ? 'created' : 'exists' });
    }

    const byName = new Map(existing.map((s) => [s.Spec?.Name ?? '', s]));
    // services are independent once their networks and objects exist: created or updated side by side
    const outcomes = await Promise.allSettled(
      plan.services.map(async (svc) => {
        const spec = withObjectIds(svc.spec, ids);
        const image = containerSpecOf(spec)?.Image ?? '';
        const resolved = opts.resolveImage ? await opts.resolveImage(image) : undefined;
        const current = byName.get(svc.name);
        try {
          if (current) {
            const { warnings } = await this.services.update(
              svc.name,
              (live) => {
                const next = structuredClone(spec);
                const container = containerSpecOf(next);
                if (container) {
                  // as the CLI: an unchanged image keeps the digest the last deploy pinned, so nothing restarts for it
                  const liveImage = containerSpecOf(live)?.Image;
                  container.Image = resolved ?? (live.Labels?.[STACK_IMAGE_LABEL] === image && liveImage ? liveImage : image);
                }
                // no --force in a stack deploy: keep the counter so tasks are not redeployed for nothing
                const template = taskTemplateOf(next);
                if (template) template.ForceUpdate = taskTemplateOf(live)?.ForceUpdate;
                return next;
              },
              { registryAuth: opts.registryAuth },
            );
            result.services.push({ key: svc.key, name: svc.name, action: 'updated', warnings });
            emit({ kind: 'service', name: svc.name, action: 'updated', warnings });
          } else {
            const container = containerSpecOf(spec);
            if (container && resolved) container.Image = resolved;
            const { warnings } = await this.services.create(spec, { registryAuth: opts.registryAuth });
            result.services.push({ key: svc.key, name: svc.name, action: 'created', warnings });
            emit({ kind: 'service', name: svc.name, action: 'created', warnings });
          }
        } catch (err) {
          throw asRequestFault(err, `services.${svc.key}`);
        }
      }),
    );
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (refused) throw refused.reason;
    result.services.sort((a, b) => a.key.localeCompare(b.key));

    if (opts.wait !== false) {
      const timeoutMs = opts.timeoutMs ?? 120_000;
      const results = await Promise.all(
        plan.services.map((s) => {
          const onProgress = (progress: ConvergenceProgress) => emit({ kind: 'progress', progress });
          return modeOf(s.spec).endsWith('job')
            ? this.waitForJob(s.name, timeoutMs, onProgress)
            : this.services.waitForConvergence(s.name, { timeoutMs, onProgress });
        }),
      );
      results.forEach((r) => emit({ kind: 'converged', result: r }));
      const outcome = results.reduce<ConvergenceResult['outcome']>(
        (worst, r) => (OUTCOME_RANK[r.outcome] > OUTCOME_RANK[worst] ? r.outcome : worst),
        'converged',
      );
      result.convergence = { outcome, services: results };
      if (outcome === 'converged') {
        result.removedObjects = await this.objects.removeUnusedObjects(stack);
        for (const name of result.removedObjects)
          emit({
            kind: 'cleanup',
            name: name.replace(/^(config|secret) /, ''),
            objectKind: name.startsWith('config') ? 'config' : 'secret',
          });
      }
    }
    result.elapsedMs = Date.now() - started;
    return result;
  }

  /** As `docker stack rm`: services, then networks, secrets and configs of the namespace. NOT_FOUND when there is nothing. */
  async remove(stack: string): Promise<{ services: string[]; networks: string[]; secrets: string[]; configs: string[] }> {
    const filters = nsFilter(stack);
    const [services, networks, secrets, configs] = await Promise.all([
      this.docker.run(`services of stack "${stack}"`, (d) => d.listServices({ filters })) as Promise<unknown> as Promise<EngineService[]>,
      this.docker.run(`networks of stack "${stack}"`, (d) => d.listNetworks({ filters })) as Promise<EngineNetwork[]>,
      this.docker.run(`secrets of stack "${stack}"`, (d) => d.listSecrets({ filters })) as Promise<EngineObject[]>,
      this.docker.run(`configs of stack "${stack}"`, (d) => d.listConfigs({ filters })) as Promise<EngineObject[]>,
    ]);
    if (services.length + networks.length + secrets.length + configs.length === 0)
      throw new DomainError('NOT_FOUND', `stack "${stack}" not found: nothing carries its namespace`);
    let removed = 0;
    for (const s of services) removed += Number(await this.objects.removeOnce(() => this.services.remove(s.ID)));
    // a network is freed when the removed services' tasks are gone: retry "in use" for a while, as the Engine takes a moment
    for (const n of networks)
      removed += Number(await this.objects.removeOnce(() => this.docker.run(`network "${n.Name}"`, (d) => d.getNetwork(n.Id).remove())));
    for (const s of secrets)
      removed += Number(
        await this.objects.removeOnce(() => this.docker.run(`secret "${s.Spec?.Name}"`, (d) => d.getSecret(s.ID).remove())),
      );
    for (const c of configs)
      removed += Number(
        await this.objects.removeOnce(() => this.docker.run(`config "${c.Spec?.Name}"`, (d) => d.getConfig(c.ID).remove())),
      );
    // a network still listed while the swarm removes it is no stack
    if (removed === 0) throw new DomainError('NOT_FOUND', `stack "${stack}" not found: nothing carries its namespace`);
    return {
      services: services.map((s) => s.Spec?.Name ?? s.ID),
      networks: networks.map((n) => n.Name),
      secrets: secrets.map((s) => s.Spec?.Name ?? s.ID),
      configs: configs.map((c) => c.Spec?.Name ?? c.ID),
    };
  }

  /** Every stack on the swarm, whoever deployed it (`docker stack ls`): the namespace label of the services. */
  async list(): Promise<StackSummary[]> {
    const services: EngineService[] = await this.docker.run(
      'stack services',
      (d) => d.listServices({ filters: nsFilter() }) as Promise<unknown> as Promise<EngineService[]>,
    );
    const counts = new Map<string, number>();
    for (const s of services) {
      const ns = s.Spec?.Labels?.[STACK_NAMESPACE_LABEL];
      if (ns !== undefined) counts.set(ns, (counts.get(ns) ?? 0) + 1);
    }
    return [...counts].map(([name, n]) => ({ name, services: n })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The stack's services with desired and running counts (`docker stack services`). */
  async stackServices(stack: string): Promise<StackServiceSummary[]> {
    const [services, tasks, nodes] = await Promise.all([
      this.servicesOf(stack),
      this.tasksOf(stack),
      this.docker.run('nodes', (d) => d.listNodes()) as Promise<
        (EngineNode & { Spec?: { Availability?: string }; Status?: { State?: string } })[]
      >,
    ]);
    const ready = nodes.filter((n) => n.Spec?.Availability === 'active' && n.Status?.State === 'ready').length;
    return services
      .map((s) => {
        const mine = tasks.filter((t) => t.ServiceID === s.ID);
        const mode = modeOf(s.Spec);
        const mSpec = (s.Spec?.Mode ?? {}) as { Replicated?: { Replicas?: number }; ReplicatedJob?: { TotalCompletions?: number } };
        const desiredTasks = mine.filter((t) => t.DesiredState === 'running').length;
        return {
          key: descope(stack, s.Spec?.Name ?? ''),
          name: s.Spec?.Name ?? s.ID,
          id: s.ID,
          image: (containerSpecOf(s.Spec)?.Image ?? '').split('@')[0],
          imageDigest: (containerSpecOf(s.Spec)?.Image ?? '').split('@')[1],
          mode,
          replicasDesired:
            mode === 'replicated'
              ? (mSpec.Replicated?.Replicas ?? 1)
              : mode === 'replicated-job'
                ? (mSpec.ReplicatedJob?.TotalCompletions ?? 1)
                : Math.min(desiredTasks || ready, ready),
          replicasRunning: mine.filter(
            (t) =>
              t.Status?.State === (mode.endsWith('job') ? 'complete' : 'running') && (mode.endsWith('job') || t.DesiredState === 'running'),
          ).length,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The stack's tasks (`docker stack ps`), each with its service's compose key. */
  async tasks(stack: string): Promise<StackTask[]> {
    const [services, tasks, nodes] = await Promise.all([
      this.servicesOf(stack),
      this.tasksOf(stack),
      this.docker.run('nodes', (d) => d.listNodes() as Promise<unknown> as Promise<EngineNode[]>),
    ]);
    const names = new Map(services.map((s) => [s.ID, s.Spec?.Name ?? s.ID]));
    const hostnames = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
    const summaries = sortTasks(
      tasks.filter((t) => names.has(t.ServiceID)).map((t) => toTaskSummary(t, hostnames, names.get(t.ServiceID))),
    );
    return summaries
      .map((t) => ({ ...t, service: descope(stack, t.serviceName ?? '') }))
      .sort((a, b) => a.service.localeCompare(b.service));
  }

  /** Drift of every service of the file against the swarm: field differences, network ids read as names. */
  async drift(project: ComposeProject, stack: string): Promise<{ service: string; missing: boolean; differences: SpecDifference[] }[]> {
    const plan = convertStack(project, stack);
    const [services, networks] = await Promise.all([
      this.servicesOf(stack),
      this.docker.run('networks', (d) => d.listNetworks()) as Promise<EngineNetwork[]>,
    ]);
    const networkNames = new Map(networks.map((n) => [n.Id, n.Name]));
    const byName = new Map(services.map((s) => [s.Spec?.Name ?? '', s]));
    return plan.services.map((svc) => {
      const live = byName.get(svc.name);
      if (!live?.Spec) return { service: svc.key, missing: true, differences: [] };
      return { service: svc.key, missing: false, differences: serviceSpecDrift(svc.spec, live.Spec, { networkNames }) };
    });
  }

  /**
   * One log stream for every service of the stack, each line tagged with its
   * service, task slot and node. `tail` applies per service, as for
   * `docker service logs`; without `follow` the lines come ordered by time.
   */
  async *logs(stack: string, opts: StackLogOptions = {}): AsyncGenerator<StackLogLine> {
    const services: EngineService[] = await this.servicesOf(stack);
    if (services.length === 0) throw new DomainError('NOT_FOUND', `stack "${stack}" not found: no service carries its namespace`);
    const stop = new AbortController();
    const abort = () => stop.abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    const sources = services.map((s) => ({
      service: descope(stack, s.Spec?.Name ?? s.ID),
      lines: this.logsOf.logs(s.ID, { tail: opts.tail, since: opts.since, follow: opts.follow, timestamps: true, signal: stop.signal }),
    }));
    try {
      yield* mergeLogStreams(sources, {
        follow: Boolean(opts.follow),
        filter: opts.filter,
        timestamps: Boolean(opts.timestamps),
        stop: abort,
      });
    } finally {
      opts.signal?.removeEventListener('abort', abort);
      stop.abort();
    }
  }

  /** The services that carry the stack's namespace label. */
  private servicesOf(stack: string): Promise<EngineService[]> {
    return this.docker.run(
      `services of stack "${stack}"`,
      (d) => d.listServices({ filters: nsFilter(stack) }) as Promise<unknown> as Promise<EngineService[]>,
    );
  }

  /** The tasks of the stack's services, every state. */
  private tasksOf(stack: string): Promise<EngineTask[]> {
    return this.docker.run(`tasks of stack "${stack}"`, (d) => d.listTasks({ filters: nsFilter(stack) }) as Promise<EngineTask[]>);
  }

  /** A job converges when its tasks completed: as many as `TotalCompletions`, or one per eligible node for a global job. */
  private async waitForJob(name: string, timeoutMs: number, onProgress: (p: ConvergenceProgress) => void): Promise<ConvergenceResult> {
    const started = Date.now();
    for (;;) {
      const [service, tasks] = await Promise.all([this.services.inspect(name), this.services.tasks(name)]);
      const mode = service.spec.Mode ?? {};
      const complete = tasks.filter((t) => t.state === 'complete').length;
      const failed = tasks.filter((t) => t.state === 'failed' || t.state === 'rejected');
      const pending = tasks.filter((t) => t.desiredState === 'complete' && t.state !== 'complete').length;
      const desired = mode.ReplicatedJob ? (mode.ReplicatedJob.TotalCompletions ?? 1) : complete + pending;
      const progress: ConvergenceProgress = {
        service: name,
        desired,
        running: complete,
        replicas: tasks.map(toReplicaState),
      };
      onProgress(progress);
      const elapsedMs = Date.now() - started;
      if (desired > 0 && complete >= desired)
        return { ...progress, outcome: 'converged', message: `${complete}/${desired} job tasks completed`, elapsedMs };
      if (failed.length >= 3)
        return {
          ...progress,
          outcome: 'failed',
          message: `${complete}/${desired} job tasks completed; ${failed[0].error ?? 'tasks keep failing'}`,
          elapsedMs,
        };
      if (elapsedMs > timeoutMs)
        return { ...progress, outcome: 'timeout', message: `${complete}/${desired} job tasks completed after ${timeoutMs} ms`, elapsedMs };
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
