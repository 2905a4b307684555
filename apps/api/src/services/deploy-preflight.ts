import { Injectable } from '@nestjs/common';
import type { ServiceDefinition } from '@app/catalog';
import { RegistryClient } from '@app/registry';
import { RegistryAuth, SwarmNodes, SwarmServices } from '@app/swarm';
import { AppConfig } from '../config/app-config';
import { checkImage, DeployCheckVerdict, deployVerdicts, firstRefusal } from './deploy-checks';

export interface Preflight {
  /** The image to deploy: pinned to its digest when our registry knows it. */
  image: string;
  digest?: string;
  verdicts: DeployCheckVerdict[];
}

/** Gathers the facts the deploy checks judge (registry, nodes, what runs) and the registry credentials a deploy sends. */
@Injectable()
export class DeployPreflight {
  constructor(
    private readonly registry: RegistryClient,
    private readonly nodes: SwarmNodes,
    private readonly services: SwarmServices,
    private readonly config: AppConfig,
  ) {}

  /** Every verdict; with `refuse`, throws at the first refusal (a missing image before Docker is asked anything). */
  async run(def: ServiceDefinition, opts: { refuse: boolean }): Promise<Preflight> {
    const ours = this.registry.isConfiguredRegistry(def.image);
    const found = ours ? await this.registry.resolveImage(def.image) : undefined;
    const resolved =
      found === undefined ? undefined : found && { digest: found.digest, platforms: found.platforms.map((p) => p.architecture) };
    const registryHost = this.registry.host;
    const imageVerdict = checkImage(def, { resolved, registryHost });
    if (opts.refuse && !imageVerdict.ok) throw firstRefusal([imageVerdict]);
    const [nodes, live] = await Promise.all([this.nodes.list(), this.services.listLive()]);
    const verdicts = deployVerdicts(def, { resolved, registryHost, nodes, live });
    if (opts.refuse) {
      const refusal = firstRefusal(verdicts);
      if (refusal) throw refusal;
    }
    const digest = resolved?.digest;
    const image = digest && !def.image.includes('@') ? `${def.image}@${digest}` : def.image;
    return { image, digest, verdicts };
  }

  registryAuth(image: string): RegistryAuth | undefined {
    const { username, password } = this.config.registry;
    if (!username || !this.registry.isConfiguredRegistry(image)) return undefined;
    return { username, password: password ?? '', serveraddress: this.registry.host! };
  }
}
