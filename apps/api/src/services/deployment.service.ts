import { Injectable, Logger } from '@nestjs/common';
import { parseDocument } from 'yaml';
import { DomainError } from '@app/common';
import { Catalog, definitionText, type ServiceDefinition } from '@app/catalog';
import { RegistryClient } from '@app/registry';
import { LogLine, LogOptions, RegistryAuth, SwarmLogs, SwarmNodes, SwarmServices, type ConvergenceProgress, type LiveService } from '@app/swarm';
import { AppConfig } from '../config/app-config';
import { maskSecrets, maskYamlText, restoreMaskedSecrets, restoreMaskedYamlText } from '../common/mask-secrets';
import {
  CatalogServiceDto, DeployRecordDto, DeployResultDto, ImportReportDto, ServiceDetailDto, StopResultDto,
  toCatalogServiceDto, toConvergenceDto, toDeployRecordDto, toLiveServiceDto,
} from './catalog-service.dto';
import { composeToSwarmSpec, ports as specPorts, SPEC_HASH_LABEL, specDrift, specHash } from './compose-to-swarm-spec';
import { toTaskDto } from './live-service.dto';
import { eligibleNodes, nodeArch } from './platform-check';
import { stackSuggestion } from '../stacks/import-suggestion';

export interface DeployOptions {
  wait?: boolean;
  timeoutSeconds?: number;
  actor?: string;
  onProgress?: (p: ConvergenceProgress) => void;
}

const DEFAULT_WAIT_SECONDS = 120;

/**
 * Deploying composes the catalog and the swarm (and the registry, for the
 * checks): REST and MCP both call these methods, so both behave the same.
 */
@Injectable()
export class DeploymentService {
  private readonly logger = new Logger(DeploymentService.name);
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly catalog: Catalog,
    private readonly services: SwarmServices,
    private readonly nodes: SwarmNodes,
    private readonly swarmLogs: SwarmLogs,
    private readonly registry: RegistryClient,
    private readonly config: AppConfig,
  ) {}

  /** The catalog with live status; with Docker down it still lists the catalog (status unknown). */
  async listServices(): Promise<CatalogServiceDto[]> {
    const [items, live] = await Promise.all([this.catalog.list(), this.liveByName()]);
    return items.map((i) => toCatalogServiceDto(i, live.services.get(i.name), live.reachable));
  }

  async getService(name: string): Promise<ServiceDetailDto> {
    const item = await this.catalog.get(name);
    const live = await this.liveByName();
    const service = live.services.get(name);
    const base = toCatalogServiceDto(item, service, live.reachable);
    let tasks: ServiceDetailDto['tasks'] = [];
    let drift: ServiceDetailDto['drift'] = [];
    if (service) {
      const [t, raw] = await Promise.all([this.services.tasks(name), this.services.inspect(name)]);
      tasks = t.map(toTaskDto);
      if (item.definition) {
        const deployedImage: string = raw.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '';
        // a deploy pins the tag's digest: the definition's image without the digest is still "in sync"
        const image = deployedImage.split('@')[0] === item.definition.image ? deployedImage : item.definition.image;
        drift = specDrift(composeToSwarmSpec(item.definition, image), raw.Spec).map((d) => ({ ...d, definition: d.definition, deployed: d.deployed }));
      }
    }
    // environment values whose keys look secret never leave the server; an edit sends the mask back and keeps them
    return {
      ...base,
      yaml: maskYamlText(item.text),
      definition: maskSecrets(item.definition) as Record<string, unknown> | undefined,
      live: service ? toLiveServiceDto(service) : undefined,
      tasks,
      drift: maskSecrets(drift),
    };
  }

  async createService(input: string | object): Promise<ServiceDetailDto> {
    const item = await this.catalog.create(input);
    return this.getService(item.name);
  }

  async updateService(name: string, input: string | object): Promise<ServiceDetailDto> {
    const stored = await this.catalog.get(name);
    const restored = typeof input === 'string' ? restoreMaskedYamlText(input, stored.text) : restoreMaskedSecrets(input, stored.definition);
    await this.catalog.replace(name, restored);
    return this.getService(name);
  }

  async deleteService(name: string, force = false): Promise<void> {
    await this.catalog.get(name);
    const deployed = await this.services.exists(name);
    if (deployed && !force) {
      throw new DomainError('CONFLICT', `service "${name}" is deployed; stop it first or delete with force=true, which stops it`);
    }
    if (deployed) await this.stopService(name);
    await this.catalog.remove(name);
  }

  /** Create when absent, update when changed, nothing when unchanged; optionally wait for convergence. */
  async deployService(name: string, opts: DeployOptions = {}): Promise<DeployResultDto> {
    return this.exclusive(name, async () => {
      const def = await this.catalog.definition(name);
      // refusals are history too: the operator sees every attempt and why it stopped
      const historyId = await this.catalog.recordDeployStart(name, 'deploy', { image: def.image, actor: opts.actor });
      try {
        const { image, digest } = await this.checkDeployable(def);
        const spec = composeToSwarmSpec(def, image);
        const hash = specHash(spec);
        spec.Labels = { ...spec.Labels, [SPEC_HASH_LABEL]: hash };
        const existing = await this.services.inspect(name).catch((err) => {
          if (err instanceof DomainError && err.code === 'NOT_FOUND') return undefined;
          throw err;
        });
        const registryAuth = this.registryAuth(image);
        let action: DeployResultDto['action'];
        let warnings: string[] = [];
        if (!existing) {
          warnings = (await this.services.create(spec, { registryAuth })).warnings;
          action = 'created';
        } else if (existing.Spec?.Labels?.[SPEC_HASH_LABEL] === hash) {
          action = 'unchanged';
        } else {
          warnings = (await this.services.update(name, () => spec, { registryAuth })).warnings;
          action = 'updated';
        }
        await this.catalog.markDeployed(name, { specHash: hash, image, digest: digest ?? null });
        const result: DeployResultDto = { name, action, image, imageDigest: digest, historyId, warnings };
        if (opts.wait) {
          const convergence = await this.services.waitForConvergence(name, {
            timeoutMs: (opts.timeoutSeconds ?? DEFAULT_WAIT_SECONDS) * 1000,
            onProgress: opts.onProgress,
          });
          result.convergence = toConvergenceDto(convergence);
          const ok = convergence.outcome === 'converged';
          await this.catalog.recordDeployEnd(historyId, ok ? 'succeeded' : 'failed', { message: `${action}: ${convergence.message}`, imageDigest: digest, image, spec, specHash: hash });
        } else {
          await this.catalog.recordDeployEnd(historyId, 'succeeded', { message: `${action} (not waited for)`, imageDigest: digest, image, spec, specHash: hash });
        }
        return result;
      } catch (err) {
        await this.catalog.recordDeployEnd(historyId, 'failed', { message: (err as Error).message }).catch(() => undefined);
        throw err;
      }
    });
  }

  /** Removes the service from the swarm and keeps its catalog entry. */
  async stopService(name: string, actor?: string): Promise<StopResultDto> {
    return this.exclusive(name, async () => {
      await this.catalog.get(name);
      if (!(await this.services.exists(name))) return { name, stopped: false };
      const id = await this.catalog.recordDeployStart(name, 'stop', { actor });
      try {
        await this.services.remove(name);
        await this.catalog.markDeployed(name, { specHash: null, image: null, digest: null });
        await this.catalog.recordDeployEnd(id, 'succeeded', { message: 'removed from the swarm' });
        return { name, stopped: true };
      } catch (err) {
        await this.catalog.recordDeployEnd(id, 'failed', { message: (err as Error).message }).catch(() => undefined);
        throw err;
      }
    });
  }

  /** Sets the replicas in the file and, when deployed, in the swarm: the two always agree. */
  async scaleService(name: string, replicas: number, actor?: string): Promise<CatalogServiceDto> {
    await this.exclusive(name, async () => {
      const def = await this.catalog.definition(name);
      if (def.deploy?.mode === 'global') throw new DomainError('INVALID', `service "${name}" is global: it runs one task per eligible node and cannot be scaled`);
      const deployed = await this.services.exists(name);
      const id = deployed ? await this.catalog.recordDeployStart(name, 'scale', { actor, image: def.image }) : undefined;
      try {
        await this.catalog.setReplicas(name, replicas);
        if (deployed) {
          const updated = await this.catalog.definition(name);
          await this.services.update(name, (s) => {
            // the hash label follows the definition when the swarm ran the old one exactly, so the next deploy sees no change
            const image = (s.TaskTemplate as { ContainerSpec?: { Image?: string } })?.ContainerSpec?.Image ?? updated.image;
            const inSync = s.Labels?.[SPEC_HASH_LABEL] === specHash(composeToSwarmSpec(def, image));
            const label = inSync ? specHash(composeToSwarmSpec(updated, image)) : '';
            return { ...s, Mode: { Replicated: { Replicas: replicas } }, Labels: { ...s.Labels, [SPEC_HASH_LABEL]: label } };
          });
          await this.catalog.recordDeployEnd(id!, 'succeeded', { message: `scaled to ${replicas}` });
        }
      } catch (err) {
        if (id) await this.catalog.recordDeployEnd(id, 'failed', { message: (err as Error).message }).catch(() => undefined);
        throw err;
      }
    });
    return (await this.listServices()).find((s) => s.name === name)!;
  }

  async rollbackService(name: string, actor?: string): Promise<CatalogServiceDto> {
    await this.exclusive(name, async () => {
      await this.catalog.get(name);
      const id = await this.catalog.recordDeployStart(name, 'rollback', { actor });
      try {
        await this.services.rollback(name);
        await this.catalog.recordDeployEnd(id, 'succeeded', { message: 'rolled back to the previous spec' });
      } catch (err) {
        await this.catalog.recordDeployEnd(id, 'failed', { message: (err as Error).message }).catch(() => undefined);
        throw err;
      }
    });
    return (await this.listServices()).find((s) => s.name === name)!;
  }

  async getHistory(name: string): Promise<DeployRecordDto[]> {
    await this.catalog.get(name);
    return (await this.catalog.history(name)).map(toDeployRecordDto);
  }

  /** NOT_FOUND naming the service when the swarm does not run it. */
  async ensureDeployed(name: string): Promise<void> {
    await this.services.inspect(name);
  }

  /** Whether the swarm runs the service; UNAVAILABLE when Docker does not answer. */
  isDeployed(name: string): Promise<boolean> {
    return this.services.exists(name);
  }

  logs(name: string, opts: LogOptions): AsyncGenerator<LogLine> {
    return this.swarmLogs.logs(name, opts);
  }

  /**
   * For agents: registers the service when the catalog lacks it (image,
   * replicas, ports), otherwise updates those fields, then deploys and waits.
   */
  async deployImage(name: string, image: string, replicas?: number, ports?: string[], actor?: string): Promise<DeployResultDto> {
    const exists = await this.catalog.get(name).then(() => true, (err) => {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return false;
      throw err;
    });
    if (!exists) {
      await this.catalog.create({ name, image, ...(ports ? { ports } : {}), ...(replicas !== undefined ? { deploy: { replicas } } : {}) });
    } else {
      const current = await this.catalog.get(name);
      const doc = parseDocument(current.text);
      doc.set('image', image);
      if (ports) doc.set('ports', ports);
      if (replicas !== undefined) doc.setIn(['deploy', 'replicas'], replicas);
      await this.catalog.replace(name, String(doc));
    }
    return this.deployService(name, { wait: true, actor });
  }

  /** One definition per service of a compose/stack file; a report of what was created and what was refused, and why. */
  async importCompose(text: string, split = false): Promise<ImportReportDto> {
    const doc = parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length) throw new DomainError('INVALID', `compose file: YAML syntax: ${doc.errors[0].message.split('\n')[0]}`);
    let value: any;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new DomainError('INVALID', `compose file: ${(err as Error).message}`);
    }
    if (!value || typeof value !== 'object' || !value.services || typeof value.services !== 'object') {
      throw new DomainError('INVALID', 'services: a compose file needs a services mapping');
    }
    const report: ImportReportDto = { created: [], refused: [] };
    const stack = stackSuggestion(Object.keys(value.services), split);
    if (stack) return { ...report, stack };
    for (const [name, service] of Object.entries<any>(value.services)) {
      try {
        const { definition } = definitionText({ name, ...(service ?? {}) });
        await this.catalog.create(definition);
        report.created.push(name);
      } catch (err) {
        report.refused.push({ name, reason: (err as Error).message });
      }
    }
    return report;
  }

  /**
   * What can be known before touching the swarm: the image exists in the
   * registry (when it names ours), it has a platform some eligible node runs,
   * and its published ports are free. Returns the image pinned to its digest.
   */
  private async checkDeployable(def: ServiceDefinition): Promise<{ image: string; digest?: string }> {
    let image = def.image;
    let digest: string | undefined;
    let platforms: string[] | undefined;
    if (this.registry.isConfiguredRegistry(def.image)) {
      const resolved = await this.registry.resolveImage(def.image);
      if (!resolved) throw new DomainError('INVALID', `image: "${def.image}" does not exist in the registry ${this.registry.host}`);
      digest = resolved.digest;
      platforms = [...new Set(resolved.platforms.map((p) => p.architecture))];
      if (!def.image.includes('@')) image = `${def.image}@${digest}`;
    }
    const [nodes, live] = await Promise.all([this.nodes.list(), this.services.listLive()]);
    const eligible = eligibleNodes(nodes, def.deploy?.placement?.constraints);
    if (eligible.length === 0) {
      throw new DomainError('INVALID', `deploy.placement.constraints: no active node matches ${JSON.stringify(def.deploy?.placement?.constraints ?? [])}`);
    }
    if (platforms && !platforms.includes('unknown')) {
      const runnable = eligible.filter((n) => platforms!.includes(nodeArch(n) ?? ''));
      if (runnable.length === 0) {
        const nodesText = eligible.map((n) => `${n.hostname} (${nodeArch(n)})`).join(', ');
        throw new DomainError('INVALID', `image: "${def.image}" is built for ${platforms.join(', ')} only, but the nodes its constraints allow are ${nodesText}`);
      }
    }
    const wanted = specPorts(def).filter((p) => p.PublishedPort);
    for (const other of live) {
      if (other.name === def.name) continue;
      for (const p of other.ports) {
        const clash = wanted.find((w) => w.PublishedPort === p.published && (w.Protocol ?? 'tcp') === p.protocol);
        if (clash) throw new DomainError('CONFLICT', `ports: ${p.published}/${p.protocol} is already published by service "${other.name}"`);
      }
    }
    return { image, digest };
  }

  private registryAuth(image: string): RegistryAuth | undefined {
    const { username, password } = this.config.registry;
    if (!username || !this.registry.isConfiguredRegistry(image)) return undefined;
    return { username, password: password ?? '', serveraddress: this.registry.host! };
  }

  private async liveByName(): Promise<{ reachable: boolean; services: Map<string, LiveService> }> {
    try {
      const live = await this.services.listLive();
      return { reachable: true, services: new Map(live.map((s) => [s.name, s])) };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'UNAVAILABLE') return { reachable: false, services: new Map() };
      throw err;
    }
  }

  /** One deploy, scale or stop of a service at a time: the file and the swarm never disagree. */
  private exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.locks.get(name) ?? Promise.resolve()).catch(() => undefined).then(fn);
    this.locks.set(name, next);
    void next.catch(() => undefined).finally(() => this.locks.get(name) === next && this.locks.delete(name));
    return next;
  }
}
