import { Injectable } from '@nestjs/common';
import { DomainError, KeyedLock } from '@app/common';
import { CatalogService, withHistory } from '@app/catalog';
import { SwarmServices, type TaskSummary } from '@app/swarm';
import { CatalogServiceDto, toCatalogServiceDto } from './catalog-entry.dto';
import { composeToSwarmSpec, MANAGED_LABEL, SPEC_HASH_LABEL, specHash } from './compose-to-swarm-spec';
import type { DeploymentPlanDto } from './deployment-plan.dto';
import { liveByName } from './live-by-name';
import { ImageUpdateState } from '../images/image-update-state';
import { LiveServiceDto, TaskDto, toLiveServiceDto, toTaskDto } from './live-service.dto';
import { swarmSpecToDefinition } from './live-swarm-definition';
import type { LiveImportResultDto, LiveRemoveResultDto } from './live-swarm.dto';

const STACK_LABEL = 'com.docker.stack.namespace';
/** Tasks the swarm means to run (a starting one is `ready`). */
const wanted = (t: TaskSummary) => t.desiredState === 'running' || t.desiredState === 'ready';

/**
 * What runs in the swarm right now, whether the catalog knows it or not, and
 * what an operator does to a service made outside the catalog (docker CLI, a
 * stack): scale, remove, import it into the catalog. A catalog service is
 * changed through the catalog's routes, so its file and the swarm agree.
 */
@Injectable()
export class LiveSwarmService {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly services: SwarmServices,
    private readonly catalog: CatalogService,
    private readonly imageUpdates: ImageUpdateState,
  ) {}

  async listLiveServices(): Promise<LiveServiceDto[]> {
    const [live] = await Promise.all([this.services.listLive(), this.imageUpdates.refresh()]);
    return live.map((s) => ({ ...toLiveServiceDto(s), ...this.imageUpdates.fieldsFor(s) }));
  }

  async listServiceTasks(name: string): Promise<TaskDto[]> {
    return (await this.services.tasks(name)).map(toTaskDto);
  }

  /** `docker service scale`; INVALID for a global service, CONFLICT for a catalog service. */
  scaleService(name: string, replicas: number): Promise<LiveServiceDto> {
    return this.lock.run(name, async () => {
      await this.services.inspect(name);
      await this.refuseCatalogService(name, `scale it with POST /api/services/${name}/scale, which keeps its definition in step`);
      await this.services.scale(name, replicas);
      const live = (await this.services.listLive()).find((s) => s.name === name);
      if (!live) throw new DomainError('NOT_FOUND', `service "${name}" was removed while it was scaled`);
      return toLiveServiceDto(live);
    });
  }

  /** `docker service rm`; CONFLICT for a catalog service. */
  removeService(name: string): Promise<LiveRemoveResultDto> {
    return this.lock.run(name, async () => {
      await this.services.inspect(name);
      await this.refuseCatalogService(name, `stop it with POST /api/services/${name}/stop, which keeps its catalog entry`);
      await this.services.remove(name);
      return { name, removed: true };
    });
  }

  /** What a remove would stop, changing nothing. */
  async planRemove(name: string): Promise<DeploymentPlanDto> {
    const state = await this.services.inspect(name);
    await this.refuseCatalogService(name, `stop it with POST /api/services/${name}/stop, which keeps its catalog entry`);
    const tasks = (await this.services.tasks(name)).filter(wanted);
    const stack = state.labels[STACK_LABEL];
    return {
      dryRun: true,
      name,
      action: 'stop',
      summary: `would remove the service from the swarm and stop its ${tasks.length} task(s)${stack ? `; the stack ${stack} would lose it` : ''}`,
      changes: [],
      tasks: tasks.map(toTaskDto),
    };
  }

  /**
   * Writes a definition from the live spec, so the service becomes a catalog
   * service, and adopts the running service: our labels and the definition's
   * spec hash go on it (service labels only: no task restarts), so the next
   * deploy of the unchanged definition changes nothing.
   */
  importService(name: string, actor?: string): Promise<LiveImportResultDto> {
    return this.lock.run(name, async () => {
      const state = await this.services.inspect(name);
      const stack = state.labels[STACK_LABEL];
      if (stack) {
        throw new DomainError(
          'CONFLICT',
          `service "${name}" belongs to the stack "${stack}": it is managed with its stack (import the stack's compose file under Stacks), not as a single service`,
        );
      }
      if (await this.inCatalog(name)) throw new DomainError('CONFLICT', `the catalog already has a service named "${name}"`);
      const networkNames = state.spec.TaskTemplate?.Networks?.length ? await this.services.networkNames() : undefined;
      const { definition, ignored } = swarmSpecToDefinition(state.spec, networkNames);
      await this.catalog.create(definition);
      const def = await this.catalog.definition(name);
      const spec = composeToSwarmSpec(def, state.image);
      const hash = specHash(spec);
      await withHistory(this.catalog, name, 'deploy', { actor, image: state.image }, async () => {
        await this.services.update(name, (s) => ({ ...s, Labels: { ...s.Labels, [MANAGED_LABEL]: 'true', [SPEC_HASH_LABEL]: hash } }));
        const digest = state.image.split('@')[1] ?? null;
        await this.catalog.markDeployed(name, { specHash: hash, image: state.image, digest });
        return {
          result: undefined,
          message: `imported from the swarm${ignored.length ? `; not in the definition: ${ignored.join(', ')}` : ''}`,
          details: { image: state.image, imageDigest: digest ?? undefined, spec, specHash: hash },
        };
      });
      return { name, ignored, service: await this.summary(name) };
    });
  }

  private async summary(name: string): Promise<CatalogServiceDto> {
    const [item, live] = await Promise.all([this.catalog.get(name), liveByName(this.services)]);
    return toCatalogServiceDto(item, live.services.get(name), live.reachable);
  }

  private async refuseCatalogService(name: string, how: string): Promise<void> {
    if (await this.inCatalog(name)) throw new DomainError('CONFLICT', `service "${name}" is a catalog service: ${how}`);
  }

  private inCatalog(name: string): Promise<boolean> {
    return this.catalog.get(name).then(
      () => true,
      (err) => {
        // a name the catalog could not hold (created outside it) is not in it
        if (err instanceof DomainError && (err.code === 'NOT_FOUND' || err.code === 'INVALID')) return false;
        throw err;
      },
    );
  }
}
