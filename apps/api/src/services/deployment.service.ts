import { Injectable } from '@nestjs/common';
import { DomainError, KeyedLock } from '@app/common';
import { CatalogService, withHistory, type ServiceDefinition } from '@app/catalog';
import { globalScaleRefusal, SwarmServices, type ConvergenceProgress, type ServiceState } from '@app/swarm';
import { composeToSwarmSpec, SPEC_HASH_LABEL, specHash } from './compose-to-swarm-spec';
import { CatalogServiceDto, toCatalogServiceDto } from './catalog-entry.dto';
import { DeployPreflight } from './deploy-preflight';
import { desiredSpec, deployAction } from './desired-spec';
import { inspectIfDeployed, liveByName } from './live-by-name';
import { DeployRecordDto, DeployResultDto, StopResultDto, toConvergenceDto, toDeployRecordDto } from './deployment.dto';

export interface DeployOptions {
  wait?: boolean;
  timeoutSeconds?: number;
  /** Who asked (see audit/actor.ts); kept in the deploy history. */
  actor?: string;
  onProgress?: (p: ConvergenceProgress) => void;
}

const DEFAULT_WAIT_SECONDS = 120;

/**
 * Deploy, stop, scale and rollback: the catalog's definition applied to the
 * swarm, one change per service at a time, each one a history record. REST
 * and MCP both call these methods, so both behave the same.
 */
@Injectable()
export class DeploymentService {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly catalog: CatalogService,
    private readonly services: SwarmServices,
    private readonly preflight: DeployPreflight,
  ) {}

  /** Create when absent, update when changed, nothing when unchanged; optionally wait for convergence. */
  deployService(name: string, opts: DeployOptions = {}): Promise<DeployResultDto> {
    return this.lock.run(name, async () => {
      const def = await this.catalog.definition(name);
      // refusals are history too: the operator sees every attempt and why it stopped
      return withHistory(this.catalog, name, 'deploy', { actor: opts.actor, image: def.image }, async (historyId) => {
        const { image, digest } = await this.preflight.run(def, { refuse: true });
        const { spec, hash } = desiredSpec(def, image);
        const action = deployAction(await inspectIfDeployed(this.services, name), hash);
        const registryAuth = this.preflight.registryAuth(image);
        let warnings: string[] = [];
        if (action === 'created') ({ warnings } = await this.services.create(spec, { registryAuth }));
        if (action === 'updated') ({ warnings } = await this.services.update(name, () => spec, { registryAuth }));
        await this.catalog.markDeployed(name, { specHash: hash, image, digest: digest ?? null });
        const result: DeployResultDto = { name, action, image, imageDigest: digest, historyId, warnings };
        const details = { imageDigest: digest, image, spec, specHash: hash };
        if (!opts.wait) return { result, message: `${action} (not waited for)`, details };
        const convergence = await this.services.waitForConvergence(name, {
          timeoutMs: (opts.timeoutSeconds ?? DEFAULT_WAIT_SECONDS) * 1000,
          onProgress: opts.onProgress,
        });
        result.convergence = toConvergenceDto(convergence);
        return { result, message: `${action}: ${convergence.message}`, failed: convergence.outcome !== 'converged', details };
      });
    });
  }

  /** Removes the service from the swarm and keeps its catalog entry. */
  stopService(name: string, actor?: string): Promise<StopResultDto> {
    return this.lock.run(name, async () => {
      await this.catalog.get(name);
      if (!(await this.services.exists(name))) return { name, stopped: false };
      return withHistory(this.catalog, name, 'stop', { actor }, async () => {
        await this.services.remove(name);
        await this.catalog.markDeployed(name, { specHash: null, image: null, digest: null });
        return { result: { name, stopped: true }, message: 'removed from the swarm' };
      });
    });
  }

  /** Sets the replicas in the file and, when deployed, in the swarm: the two always agree. */
  async scaleService(name: string, replicas: number, actor?: string): Promise<CatalogServiceDto> {
    await this.lock.run(name, async () => {
      const def = await this.catalog.definition(name);
      if (def.deploy?.mode === 'global') throw globalScaleRefusal(name);
      if (!(await this.services.exists(name))) {
        await this.catalog.setReplicas(name, replicas);
        return;
      }
      await withHistory(this.catalog, name, 'scale', { actor, image: def.image }, async () => {
        await this.catalog.setReplicas(name, replicas);
        const updated = await this.catalog.definition(name);
        await this.services.scale(name, replicas, { labels: (current) => scaledLabels(current, def, updated) });
        return { result: undefined, message: `scaled to ${replicas}` };
      });
    });
    return this.summary(name);
  }

  /** `reason`: why, when the app rolls back by itself (a redeploy that did not converge); the history entry says it. */
  async rollbackService(name: string, actor?: string, reason?: string): Promise<CatalogServiceDto> {
    await this.lock.run(name, async () => {
      await this.catalog.get(name);
      await withHistory(this.catalog, name, 'rollback', { actor }, async () => {
        await this.services.rollback(name);
        return { result: undefined, message: reason ? `rolled back: ${reason}` : 'rolled back to the previous spec' };
      });
    });
    return this.summary(name);
  }

  async getHistory(name: string): Promise<DeployRecordDto[]> {
    await this.catalog.get(name);
    return (await this.catalog.history(name)).map(toDeployRecordDto);
  }

  /**
   * For agents: registers the service when the catalog lacks it (image,
   * replicas, ports), otherwise updates those fields, then deploys and waits.
   */
  async deployImage(name: string, image: string, replicas?: number, ports?: string[], actor?: string): Promise<DeployResultDto> {
    const exists = await this.catalog.get(name).then(
      () => true,
      (err) => {
        if (err instanceof DomainError && err.code === 'NOT_FOUND') return false;
        throw err;
      },
    );
    if (!exists) {
      await this.catalog.create({ name, image, ...(ports ? { ports } : {}), ...(replicas !== undefined ? { deploy: { replicas } } : {}) });
    } else {
      await this.catalog.patch(name, [
        { path: ['image'], value: image },
        ...(ports ? [{ path: ['ports'], value: ports }] : []),
        ...(replicas !== undefined ? [{ path: ['deploy', 'replicas'], value: replicas }] : []),
      ]);
    }
    return this.deployService(name, { wait: true, actor });
  }

  /** The catalog entry with its live status, as the list shows it. */
  private async summary(name: string): Promise<CatalogServiceDto> {
    const [item, live] = await Promise.all([this.catalog.get(name), liveByName(this.services)]);
    return toCatalogServiceDto(item, live.services.get(name), live.reachable);
  }

  /** Runs one change as a history record: started before, ended with its outcome, or failed with the error's message. */
}

/**
 * The labels after a scale. The spec-hash label follows the definition when
 * the swarm ran the old definition exactly, so the next deploy sees no change;
 * otherwise it is cleared, so the next deploy updates.
 */
export function scaledLabels(current: ServiceState, before: ServiceDefinition, after: ServiceDefinition): Record<string, string> {
  const image = current.image || after.image;
  const inSync = current.labels[SPEC_HASH_LABEL] === specHash(composeToSwarmSpec(before, image));
  return { ...current.labels, [SPEC_HASH_LABEL]: inSync ? specHash(composeToSwarmSpec(after, image)) : '' };
}
