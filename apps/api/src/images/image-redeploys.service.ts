import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { CatalogService } from '@app/catalog';
import { RegistryClient } from '@app/registry';
import { SwarmServices, type TaskSummary } from '@app/swarm';
import { DeploymentPlanner } from '../services/deployment-planner';
import { DeploymentService } from '../services/deployment.service';
import type { ConvergenceDto } from '../services/deployment.dto';
import { toTaskDto } from '../services/live-service.dto';
import { shortDigest, tagToFollow } from './image-ref';
import type { RedeployPlanDto, RedeployResultDto } from './images.dto';

/** The redeploy waits this long for convergence before it counts as failed and is rolled back. */
export const REDEPLOY_WAIT_SECONDS = 120;
const IMAGE_PATH = 'TaskTemplate.ContainerSpec.Image';
/** Tasks the swarm means to run: a new image restarts each of them. */
const wanted = (t: TaskSummary) => t.desiredState === 'running' || t.desiredState === 'ready';
const FAILED = new Set(['failed', 'rejected', 'complete', 'shutdown', 'orphaned']);

interface Target {
  repository: string;
  tag: string;
  fromDigest?: string;
  toDigest: string;
}

/**
 * A redeploy: a catalog service rolled to the digest its definition's tag
 * names now, through the normal deploy (same checks, convergence and
 * history). The x-update: redeploy policy, the REST route and the MCP tool
 * all come here; the plan is the deploy's own plan with the digests and the
 * tasks that would restart.
 */
@Injectable()
export class ImageRedeploys {
  constructor(
    private readonly catalog: CatalogService,
    private readonly swarm: SwarmServices,
    private readonly registry: RegistryClient,
    private readonly deployments: DeploymentService,
    private readonly planner: DeploymentPlanner,
  ) {}

  /** What a redeploy would do, without doing it. */
  async plan(name: string): Promise<RedeployPlanDto> {
    const target = await this.target(name);
    if (target.fromDigest === target.toDigest)
      return { dryRun: true, name, action: 'unchanged', summary: alreadyRuns(target), changes: [], tasks: [], ...target };
    const [plan, tasks] = await Promise.all([this.planner.planDeploy(name), this.swarm.tasks(name)]);
    const restarting = plan.action === 'update' ? tasks.filter(wanted).map(toTaskDto) : [];
    const others = plan.changes.filter((c) => c.path !== IMAGE_PATH).length;
    const summary = plan.checks?.some((c) => !c.ok)
      ? plan.summary
      : `would roll "${name}" from ${digestText(target.fromDigest)} to ${shortDigest(target.toDigest)} (${target.repository}:${target.tag}), ` +
        `restarting ${restarting.length} task(s)` +
        (others ? `; the deploy also applies ${others} other field(s) of the definition the swarm does not run yet` : '');
    return { ...plan, summary, tasks: restarting, ...target };
  }

  /**
   * Rolls the service to the digest its tag names now and waits; `actor` is
   * kept in the history. When it does not converge, back to the previous
   * spec, and the rollback's history entry says why.
   */
  async run(name: string, actor: string | undefined, timeoutSeconds = REDEPLOY_WAIT_SECONDS): Promise<RedeployResultDto> {
    const target = await this.target(name);
    if (target.fromDigest === target.toDigest) return { name, ...target, outcome: 'unchanged', message: alreadyRuns(target) };
    let to = target.toDigest;
    let failure: string;
    let historyId: number | undefined;
    let convergence: ConvergenceDto | undefined;
    try {
      const result = await this.deployments.deployService(name, { wait: true, timeoutSeconds, actor });
      ({ historyId, convergence } = result);
      // the deploy resolves the tag again: a push in between is what it rolled to
      to = result.imageDigest ?? to;
      if (convergence?.outcome === 'converged') {
        const message = `redeployed ${digestText(target.fromDigest)} → ${shortDigest(to)}: ${convergence.message}`;
        return { name, ...target, toDigest: to, outcome: 'redeployed', message, historyId, convergence };
      }
      failure = `${convergence?.outcome ?? 'not converged'}: ${convergence?.message ?? ''}`;
    } catch (err) {
      failure = (err as Error).message;
    }
    const done = { name, ...target, toDigest: to, historyId, convergence };
    const failed = `redeploy to ${shortDigest(to)} failed (${failure})`;
    try {
      const live = (await this.swarm.listLive()).find((s) => s.name === name);
      if (live?.imageDigest === to) {
        const taskError = await this.lastTaskError(name, to);
        const seen = convergence?.message ?? failure;
        const why = taskError && !seen.includes(taskError) ? `${seen}; ${taskError}` : seen;
        await this.deployments.rollbackService(name, actor, `new digest sha256:${shortDigest(to)}… did not converge (${why})`);
        return { ...done, outcome: 'rolled-back', message: `${failed}; rolled back to ${digestText(target.fromDigest)}` };
      }
      // the deploy never reached the swarm, or the swarm rolled back by itself (update_config.failure_action: rollback)
      if (live && convergence) {
        const runs = live.imageDigest ? shortDigest(live.imageDigest) : live.image;
        return { ...done, outcome: 'rolled-back', message: `${failed}; the swarm runs ${runs} again` };
      }
      return { ...done, outcome: 'failed', message: failed };
    } catch (err) {
      return { ...done, outcome: 'failed', message: `${failed}; rollback failed: ${(err as Error).message}` };
    }
  }

  /** The tag the definition follows, what the service runs, and what the tag names now. */
  private async target(name: string): Promise<Target> {
    const def = await this.catalog.definition(name);
    const ref = tagToFollow(def.image, this.registry.host);
    if ('reason' in ref) throw new DomainError('CONFLICT', `cannot redeploy "${name}" (${def.image}): ${ref.reason}`);
    const live = (await this.swarm.listLive()).find((s) => s.name === name);
    if (!live) throw new DomainError('CONFLICT', `service "${name}" is not deployed: deploy it instead of redeploying it`);
    const toDigest = await this.registry.tagDigest(ref.repository, ref.tag);
    if (!toDigest)
      throw new DomainError('NOT_FOUND', `the tag "${ref.repository}:${ref.tag}" is not in the registry: nothing to redeploy to`);
    return { repository: ref.repository, tag: ref.tag, fromDigest: live.imageDigest, toDigest };
  }

  /** Why the newest task on the new digest stopped, e.g. "task: non-zero exit (1)". */
  private async lastTaskError(name: string, digest: string): Promise<string | undefined> {
    const tasks = await this.swarm.tasks(name).catch(() => [] as TaskSummary[]);
    const stopped = tasks
      .filter((t) => t.image?.includes(digest) && FAILED.has(t.state) && (t.error || t.message))
      .sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
    return stopped[0] ? (stopped[0].error ?? stopped[0].message) : undefined;
  }
}

const digestText = (digest: string | undefined) => (digest ? shortDigest(digest) : 'an unpinned digest');
const alreadyRuns = (t: Target) =>
  `already runs ${shortDigest(t.toDigest)}, the digest ${t.repository}:${t.tag} names: nothing would change`;
