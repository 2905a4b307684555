import { Injectable } from '@nestjs/common';
import { DomainError, KeyedLock } from '@app/common';
import {
  CatalogService,
  loadStack,
  withHistory,
  maskStack,
  restoreMaskedStack,
  StackStore,
  type LoadedStack,
  type StackDefinition,
} from '@app/catalog';
import { RegistryClient } from '@app/registry';
import {
  SwarmServices,
  SwarmStacks,
  type ComposeProject,
  type LiveService,
  type RegistryAuth,
  type StackDeployEvent,
  type StackLogLine,
  type StackLogOptions,
} from '@app/swarm';
import { AppConfig } from '../config/app-config';
import { ImageUpdateState } from '../images/image-update-state';
import { maskSecrets } from '../common/mask-secrets';
import { StackInputDto } from './stack-input.dto';
import { networksOf, serviceListOf, summaryOf } from './stack-summary';
import { StackDetailDto, StackDriftDto, StackSummaryDto, toStackTaskDto } from './stack.dto';
import { StackDeployResultDto, StackStopResultDto, toStackDeployResultDto } from './stack-deploy.dto';
import { StackHistoryRecordDto, toStackHistoryRecordDto } from './stack-logs.dto';

export interface StackDeployOptions {
  /** Wait for every service to converge (default true). */
  wait?: boolean;
  timeoutSeconds?: number;
  prune?: boolean;
  /** Who asked; kept in the deploy history. */
  actor?: string;
  onEvent?: (e: StackDeployEvent) => void;
}

const DEFAULT_WAIT_SECONDS = 120;

/**
 * A stack's deploys and stops are kept in the services' deploy history under
 * `stack:<name>`: a service name is a DNS label and never holds a colon, so
 * the two cannot clash.
 */
export const stackHistoryKey = (name: string) => `stack:${name}`;

/**
 * Compose stacks: the catalog's definitions (StackStore, loadStack) applied
 * to the swarm (SwarmStacks), and the stacks the swarm runs whoever made
 * them. REST and MCP both call these methods.
 */
@Injectable()
export class StacksService {
  /** One deploy or stop of a stack at a time. */
  private readonly lock = new KeyedLock();

  constructor(
    private readonly store: StackStore,
    private readonly catalog: CatalogService,
    private readonly stacks: SwarmStacks,
    private readonly services: SwarmServices,
    private readonly registry: RegistryClient,
    private readonly config: AppConfig,
    private readonly imageUpdates: ImageUpdateState,
  ) {}

  /** The catalog's stacks and every stack on the swarm (also those `docker stack deploy` made); with Docker down, the catalog with status unknown. */
  async list(): Promise<StackSummaryDto[]> {
    const [defined, live] = await Promise.all([this.store.list(), this.liveByStack()]);
    const names = new Set([...defined.map((d) => d.name), ...live.byStack.keys()]);
    const byName = new Map(defined.map((d) => [d.name, d]));
    return [...names].sort().map((name) => summaryOf(name, byName.get(name), live.byStack.get(name) ?? [], live.reachable));
  }

  async get(name: string): Promise<StackDetailDto> {
    const [definition, live] = await Promise.all([this.readIfDefined(name), this.liveByStack()]);
    const liveServices = live.byStack.get(name) ?? [];
    if (!definition && liveServices.length === 0) {
      if (!live.reachable)
        throw new DomainError(
          'UNAVAILABLE',
          `stack "${name}" is not in the catalog, and Docker does not answer to say whether the swarm runs it`,
        );
      throw new DomainError('NOT_FOUND', `stack "${name}" is neither in the catalog nor on the swarm`);
    }
    const loaded = definition && !definition.error ? this.load(definition) : undefined;
    const plan = loaded ? this.stacks.plan(loaded.project as ComposeProject, name) : undefined;
    const base = summaryOf(name, definition, liveServices, live.reachable);
    const masked = definition ? maskStack(definition) : undefined;
    const [stackServices, tasks, drift] = liveServices.length
      ? await Promise.all([
          this.stacks.stackServices(name),
          this.stacks.tasks(name),
          loaded ? this.stacks.drift(loaded.project as ComposeProject, name) : [],
          this.imageUpdates.refresh(),
        ])
      : [[], [], (plan?.services ?? []).map((s) => ({ service: s.key, missing: true, differences: [] }))];
    const serviceList = serviceListOf(stackServices, plan, live.reachable, (svc) => this.imageUpdates.fieldsFor(svc));
    return {
      ...base,
      compose: masked?.compose,
      variables: masked?.variables ?? {},
      files: masked?.files ?? {},
      warnings: loaded?.warnings ?? definition?.warnings ?? [],
      serviceList,
      tasks: tasks.map(toStackTaskDto),
      networks: plan ? networksOf(plan) : [],
      drift: maskSecrets(drift) as StackDriftDto[],
    };
  }

  /** Validates and writes a new stack (nothing written on a refusal); CONFLICT when the name is taken. */
  async create(name: string, input: StackInputDto): Promise<StackDetailDto> {
    // a taken name is a 409 whatever the body holds (the store checks the file first, then the name)
    if (await this.store.exists(name))
      throw new DomainError('CONFLICT', `stack "${name}" already exists in the catalog; PUT /api/stacks/${name} replaces it`);
    await this.store.create(name, input);
    return this.get(name);
  }

  /** Replaces the stack as a whole; masked values sent back (variables, secret files, compose lines) keep the stored ones. */
  async replace(name: string, input: StackInputDto): Promise<StackDetailDto> {
    const stored = await this.store.read(name);
    await this.store.replace(name, restoreMaskedStack(input, stored));
    return this.get(name);
  }

  /** Removes the definition; a deployed stack is stopped first with force, otherwise refused. */
  async remove(name: string, force = false, actor?: string): Promise<void> {
    await this.store.read(name);
    const deployed = (await this.stacks.list()).some((s) => s.name === name);
    if (deployed && !force)
      throw new DomainError('CONFLICT', `stack "${name}" is deployed; stop it first, or delete with force=true, which stops it`);
    if (deployed) await this.stop(name, actor);
    await this.store.remove(name);
  }

  /** Creates the stack when the catalog lacks it, replaces it otherwise (masks restored), then deploys and waits. For agents. */
  async apply(name: string, input: StackInputDto, opts: StackDeployOptions = {}): Promise<StackDeployResultDto> {
    if (await this.store.exists(name)) await this.replace(name, input);
    else await this.store.create(name, input);
    return this.deploy(name, { wait: true, ...opts });
  }

  /**
   * As `docker stack deploy`: the catalog's stack loaded (interpolated,
   * validated), images checked against the registry and pinned to their
   * digest, then networks, configs, secrets and services; with wait, until
   * every service converged. Each deploy is a history record under
   * `stack:<name>`, refusals included.
   */
  deploy(name: string, opts: StackDeployOptions = {}): Promise<StackDeployResultDto> {
    return this.lock.run(name, async () => {
      const definition = await this.store.read(name);
      return withHistory(this.catalog, stackHistoryKey(name), 'deploy', { actor: opts.actor }, async (historyId) => {
        const loaded = this.load(definition);
        const project = loaded.project as ComposeProject;
        const pinned = await this.pinImages(project);
        const result = await this.stacks.deploy(project, name, {
          wait: opts.wait !== false,
          timeoutMs: (opts.timeoutSeconds ?? DEFAULT_WAIT_SECONDS) * 1000,
          prune: opts.prune,
          resolveImage: async (image) => pinned.get(image) ?? image,
          registryAuth: this.registryAuth(),
          onEvent: opts.onEvent,
        });
        const outcome = result.convergence?.outcome;
        const message = outcome
          ? `${result.services.length} services: ${outcome}${
              outcome === 'converged'
                ? ''
                : ` (${result
                    .convergence!.services.filter((s) => s.outcome !== 'converged')
                    .map((s) => `${s.service}: ${s.message}`)
                    .join('; ')})`
            }`
          : `${result.services.length} services (not waited for)`;
        return {
          result: toStackDeployResultDto(result, historyId, loaded.warnings),
          message,
          failed: outcome !== undefined && outcome !== 'converged',
        };
      });
    });
  }

  /** As `docker stack rm`: the stack's services, networks, configs and secrets go; the definition stays. */
  stop(name: string, actor?: string): Promise<StackStopResultDto> {
    return this.lock.run(name, async () => {
      const defined = await this.store.exists(name);
      const deployed = (await this.stacks.list()).some((s) => s.name === name);
      if (!deployed) {
        if (!defined) throw new DomainError('NOT_FOUND', `stack "${name}" is neither in the catalog nor on the swarm`);
        return { name, stopped: false, services: [], networks: [], configs: [], secrets: [] };
      }
      return withHistory(this.catalog, stackHistoryKey(name), 'stop', { actor }, async (historyId) => {
        const removed = await this.stacks.remove(name).catch((err: unknown) => {
          // deployed a moment ago, gone now: nothing left to remove
          if (err instanceof DomainError && err.code === 'NOT_FOUND') return { services: [], networks: [], configs: [], secrets: [] };
          throw err;
        });
        return {
          result: { name, stopped: true, ...removed, historyId },
          message: `removed ${removed.services.length} services, ${removed.networks.length} networks, ${removed.configs.length} configs, ${removed.secrets.length} secrets`,
        };
      });
    });
  }

  async history(name: string): Promise<StackHistoryRecordDto[]> {
    const records = await this.catalog.history(stackHistoryKey(name));
    if (records.length === 0 && !(await this.store.exists(name)))
      throw new DomainError('NOT_FOUND', `stack "${name}" is not in the catalog and has no history`);
    return records.map(toStackHistoryRecordDto);
  }

  /** NOT_FOUND when no service carries the stack's namespace. */
  async ensureDeployed(name: string): Promise<void> {
    if (!(await this.stacks.list()).some((s) => s.name === name))
      throw new DomainError('NOT_FOUND', `stack "${name}" not found: no service on the swarm carries its namespace`);
  }

  isDeployed(name: string): Promise<boolean> {
    return this.stacks.list().then((l) => l.some((s) => s.name === name));
  }

  /** One stream of every service of the stack, each line tagged with service, slot and node. */
  logs(name: string, opts: StackLogOptions): AsyncGenerator<StackLogLine> {
    return this.stacks.logs(name, opts);
  }

  private load(definition: StackDefinition): LoadedStack {
    if (definition.error) throw new DomainError('INVALID', `stack "${definition.name}" on disk is not valid: ${definition.error}`);
    return loadStack({ name: definition.name, compose: definition.compose, variables: definition.variables, files: definition.files });
  }

  private async readIfDefined(name: string): Promise<StackDefinition | undefined> {
    return this.store.read(name).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    });
  }

  /**
   * Every image of the configured registry resolved to its digest before
   * anything is created: an image the registry lacks is refused naming the
   * service's key, as a service deploy does.
   */
  private async pinImages(project: ComposeProject): Promise<Map<string, string>> {
    const pinned = new Map<string, string>();
    for (const [key, service] of Object.entries(project.services)) {
      const image = String(service.image ?? '');
      if (pinned.has(image) || image.includes('@') || !this.registry.isConfiguredRegistry(image)) continue;
      const resolved = await this.registry.resolveImage(image);
      if (!resolved)
        throw new DomainError('INVALID', `services.${key}.image: "${image}" does not exist in the registry ${this.registry.host}`, {
          key: `services.${key}.image`,
        });
      pinned.set(image, `${image}@${resolved.digest}`);
    }
    return pinned;
  }

  private registryAuth(): RegistryAuth | undefined {
    const { username, password } = this.config.registry;
    if (!username || !this.registry.host) return undefined;
    return { username, password: password ?? '', serveraddress: this.registry.host };
  }

  private async liveByStack(): Promise<{ reachable: boolean; byStack: Map<string, LiveService[]> }> {
    try {
      const byStack = new Map<string, LiveService[]>();
      for (const s of await this.services.listLive()) {
        if (s.stack === undefined) continue;
        byStack.set(s.stack, [...(byStack.get(s.stack) ?? []), s]);
      }
      return { reachable: true, byStack };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'UNAVAILABLE') return { reachable: false, byStack: new Map() };
      throw err;
    }
  }
}
