import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { CatalogService, validateDefinition, type ServiceDefinition } from '@app/catalog';
import { globalScaleRefusal, SwarmServices, type ServiceSpec, type TaskSummary } from '@app/swarm';
import { maskSecrets } from '../common/mask-secrets';
import type { DriftItemDto } from './catalog-entry.dto';
import { DeployPreflight } from './deploy-preflight';
import { DeploymentPlanDto } from './deployment-plan.dto';
import { deployAction, desiredSpec } from './desired-spec';
import { toTaskDto } from './live-service.dto';
import { inspectIfDeployed } from './live-by-name';
import { specDrift, withNetworkNames } from './spec-drift';

/** Tasks the swarm means to run (a starting one is `ready`). */
const wanted = (t: TaskSummary) => t.desiredState === 'running' || t.desiredState === 'ready';
const PLANNED = { created: 'create', updated: 'update', unchanged: 'unchanged' } as const;
const fields = (n: number) => `${n} field${n === 1 ? '' : 's'}`;

/**
 * "Plan before apply": what deploy, scale, stop and rollback would do, from
 * the same spec building and checks the DeploymentService applies, without
 * touching the swarm or the catalog. REST `?dry_run=true` and MCP `dry_run` both answer from here.
 */
@Injectable()
export class DeploymentPlanner {
  constructor(
    private readonly catalog: CatalogService,
    private readonly services: SwarmServices,
    private readonly preflight: DeployPreflight,
  ) {}

  /** A deploy of the catalog's definition, or of `definition` when given (an agent's deploy of an image, not yet written). */
  async planDeploy(name: string, definition?: ServiceDefinition): Promise<DeploymentPlanDto> {
    const def = definition ?? (await this.catalog.definition(name));
    const { image, verdicts } = await this.preflight.run(def, { refuse: false });
    const { spec, hash } = desiredSpec(def, image);
    const existing = await inspectIfDeployed(this.services, name);
    const action = PLANNED[deployAction(existing, hash)];
    const networkNames = existing && spec.TaskTemplate?.Networks?.length ? await this.services.networkNames() : new Map<string, string>();
    const changes =
      action === 'unchanged' ? [] : existing ? specDrift(spec, withNetworkNames(existing.spec, networkNames)) : topLevelFields(spec);
    const refused = verdicts.filter((v) => !v.ok);
    const summary = refused.length
      ? `would be refused: ${refused[0].message}`
      : action === 'create'
        ? `would create the service (${fields(changes.length)})`
        : action === 'update'
          ? `would update ${fields(changes.length)}`
          : 'nothing would change';
    return {
      dryRun: true,
      name,
      action,
      summary,
      changes: maskSecrets(changes),
      checks: verdicts.map(({ check, ok, message }) => ({ check, ok, message })),
    };
  }

  /** What the agents' deploy of an image would do: the catalog entry it would write (not written), deployed. */
  async planDeployImage(name: string, image: string, replicas?: number, ports?: string[]): Promise<DeploymentPlanDto> {
    const known = await this.catalog.get(name).then(
      () => true,
      (err) => {
        if (err instanceof DomainError && err.code === 'NOT_FOUND') return false;
        throw err;
      },
    );
    const base: Partial<ServiceDefinition> = known ? await this.catalog.definition(name) : { name };
    const def = validateDefinition({
      ...base,
      image,
      ...(ports ? { ports } : {}),
      ...(replicas !== undefined ? { deploy: { ...base.deploy, replicas } } : {}),
    });
    return this.planDeploy(name, def);
  }

  async planScale(name: string, replicas: number): Promise<DeploymentPlanDto> {
    const def = await this.catalog.definition(name);
    if (def.deploy?.mode === 'global') throw globalScaleRefusal(name);
    const existing = await inspectIfDeployed(this.services, name);
    if (!existing) {
      const before = def.deploy?.replicas ?? 1;
      const changes = before === replicas ? [] : [{ path: 'deploy.replicas', definition: replicas, deployed: before }];
      return {
        dryRun: true,
        name,
        action: changes.length ? 'scale' : 'none',
        summary: 'not deployed: only the definition file would change',
        changes,
      };
    }
    const current = existing.replicas ?? 0;
    const changes = current === replicas ? [] : [{ path: 'Mode.Replicated.Replicas', definition: replicas, deployed: current }];
    const running = (await this.services.tasks(name)).filter(wanted);
    const stopping = replicas < running.length ? running : [];
    const summary = !changes.length
      ? `already at ${replicas} replicas`
      : stopping.length
        ? `would stop ${running.length - replicas} of these ${running.length} tasks (the swarm chooses which)`
        : `would start ${replicas - current} task(s); none stops`;
    return { dryRun: true, name, action: changes.length ? 'scale' : 'none', summary, changes, tasks: stopping.map(toTaskDto) };
  }

  async planStop(name: string): Promise<DeploymentPlanDto> {
    await this.catalog.get(name);
    if (!(await inspectIfDeployed(this.services, name)))
      return { dryRun: true, name, action: 'none', summary: 'not deployed: nothing to stop', changes: [] };
    const tasks = (await this.services.tasks(name)).filter(wanted);
    return {
      dryRun: true,
      name,
      action: 'stop',
      summary: `would remove the service from the swarm and stop its ${tasks.length} task(s); the catalog entry stays`,
      changes: [],
      tasks: tasks.map(toTaskDto),
    };
  }

  async planRollback(name: string): Promise<DeploymentPlanDto> {
    await this.catalog.get(name);
    const { current, previous } = await this.services.rollbackTarget(name);
    const changes = maskSecrets(specDrift(previous, current.spec));
    return { dryRun: true, name, action: 'rollback', summary: `would return ${fields(changes.length)} to the previous spec`, changes };
  }
}

/** A create sets every field of the spec. */
function topLevelFields(spec: ServiceSpec): DriftItemDto[] {
  return Object.entries(spec).map(([path, value]) => ({ path, definition: value, deployed: undefined }));
}
