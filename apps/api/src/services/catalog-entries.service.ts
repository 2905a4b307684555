import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { CatalogService, maskYamlSecrets, parseComposeServices, restoreYamlSecrets } from '@app/catalog';
import { SwarmServices } from '@app/swarm';
import { maskSecrets, restoreMaskedSecrets } from '../common/mask-secrets';
import { CatalogServiceListItemDto, ImportReportDto, ServiceDetailDto, toCatalogServiceDto } from './catalog-entry.dto';
import { DeploymentService } from './deployment.service';
import { ImageUpdateState } from '../images/image-update-state';
import { toLiveServiceDto, toTaskDto } from './live-service.dto';
import { liveByName } from './live-by-name';
import { definitionDrift } from './spec-drift';
import { stackSuggestion } from '../stacks/import-suggestion';

/**
 * The catalog's entries as the API shows them: each definition with its live
 * status and drift, secrets masked; create, edit, delete and compose import.
 */
@Injectable()
export class CatalogEntriesService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly services: SwarmServices,
    private readonly deployments: DeploymentService,
    private readonly imageUpdates: ImageUpdateState,
  ) {}

  /** The catalog with live status; with Docker down it still lists the catalog (status unknown). */
  /** Drift comes from the specs of the same list call: no inspect per service (network names cost one more call, only when a definition names networks). */
  async listServices(): Promise<CatalogServiceListItemDto[]> {
    const [items, live] = await Promise.all([this.catalog.list(), liveByName(this.services), this.imageUpdates.refresh()]);
    const named = items.some((i) => i.definition?.networks && live.services.get(i.name));
    const networkNames = named ? await this.services.networkNames() : undefined;
    return items.map((i) => {
      const service = live.services.get(i.name);
      const drift =
        i.definition && service?.spec
          ? definitionDrift(
              i.definition,
              { image: service.spec.TaskTemplate?.ContainerSpec?.Image ?? service.image, spec: service.spec },
              networkNames,
            ).length
          : null;
      return { ...toCatalogServiceDto(i, service, live.reachable), ...this.imageUpdates.fieldsFor(service), drift };
    });
  }

  async getService(name: string): Promise<ServiceDetailDto> {
    const item = await this.catalog.get(name);
    const [live] = await Promise.all([liveByName(this.services), this.imageUpdates.refresh()]);
    const service = live.services.get(name);
    let tasks: ServiceDetailDto['tasks'] = [];
    let drift: ServiceDetailDto['drift'] = [];
    if (service) {
      const [t, state] = await Promise.all([this.services.tasks(name), this.services.inspect(name)]);
      tasks = t.map(toTaskDto);
      // network names cost one Engine call: only for a definition that names networks
      const networkNames = item.definition?.networks ? await this.services.networkNames() : undefined;
      if (item.definition) drift = definitionDrift(item.definition, state, networkNames);
    }
    // environment values whose keys look secret never leave the server; an edit sends the mask back and keeps them
    return {
      ...toCatalogServiceDto(item, service, live.reachable),
      ...this.imageUpdates.fieldsFor(service),
      yaml: maskYamlSecrets(item.text),
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
    const restored = typeof input === 'string' ? restoreYamlSecrets(input, stored.text) : restoreMaskedSecrets(input, stored.definition);
    await this.catalog.replace(name, restored);
    return this.getService(name);
  }

  async deleteService(name: string, force = false, actor?: string): Promise<void> {
    await this.catalog.get(name);
    const deployed = await this.services.exists(name);
    if (deployed && !force) {
      throw new DomainError('CONFLICT', `service "${name}" is deployed; stop it first or delete with force=true, which stops it`);
    }
    if (deployed) await this.deployments.stopService(name, actor);
    await this.catalog.remove(name);
  }

  /** One definition per service of a compose/stack file; a report of what was created and what was refused, and why. */
  async importCompose(text: string, split = false): Promise<ImportReportDto> {
    const report: ImportReportDto = { created: [], refused: [] };
    const services = parseComposeServices(text);
    // a file with several services is a stack: offer it whole instead of splitting it, unless asked to split
    const stack = stackSuggestion(
      services.map((s) => s.name),
      split,
    );
    if (stack) return { ...report, stack };
    for (const { name, value } of services) {
      try {
        await this.catalog.create(value);
        report.created.push(name);
      } catch (err) {
        report.refused.push({ name, reason: (err as Error).message });
      }
    }
    return report;
  }
}
