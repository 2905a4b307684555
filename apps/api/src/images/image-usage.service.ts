import { Injectable } from '@nestjs/common';
import { RegistryClient } from '@app/registry';
import { SwarmServices, type LiveService } from '@app/swarm';
import { splitImageRef } from './image-ref';
import { ImageUpdates } from './image-updates.service';
import type { NodeTasksDto, ServiceImageUsageDto, TagUserDto } from './images.dto';

const TASK_CONCURRENCY = 8;

/** Which service runs which image, digest and tag, and on which nodes. */
@Injectable()
export class ImageUsage {
  constructor(
    private readonly swarm: SwarmServices,
    private readonly registry: RegistryClient,
    private readonly updates: ImageUpdates,
  ) {}

  /** Every live service: what it runs, where, whether the registry still holds its digest, and its pending update. */
  async services(): Promise<ServiceImageUsageDto[]> {
    const live = await this.swarm.listLive();
    const nodes = await this.nodesOf(live);
    const exists = new Map<string, Promise<boolean | undefined>>();
    return Promise.all(
      live.map(async (s): Promise<ServiceImageUsageDto> => {
        const ref = splitImageRef(s.image, this.registry.host);
        let inRegistry: boolean | undefined;
        if (ref && s.imageDigest) {
          const key = `${ref.repository}@${s.imageDigest}`;
          if (!exists.has(key))
            exists.set(
              key,
              this.registry.hasManifest(ref.repository, s.imageDigest).catch(() => undefined),
            );
          inRegistry = await exists.get(key);
        }
        return {
          service: s.name,
          stack: s.stack,
          image: s.image,
          repository: ref?.repository,
          tag: ref?.tag,
          digest: s.imageDigest,
          nodes: nodes.get(s.name) ?? [],
          inRegistry,
          update: this.updates.get(s.name),
        };
      }),
    );
  }

  /** The live services that run `digest` of `repository`, with their nodes. */
  async usersOf(repository: string, digests: string[]): Promise<Map<string, TagUserDto[]>> {
    const live = (await this.swarm.listLive()).filter(
      (s) => s.imageDigest && digests.includes(s.imageDigest) && splitImageRef(s.image, this.registry.host)?.repository === repository,
    );
    const nodes = await this.nodesOf(live);
    const out = new Map<string, TagUserDto[]>();
    for (const s of live) {
      const list = out.get(s.imageDigest!) ?? [];
      list.push({ service: s.name, stack: s.stack, nodes: (nodes.get(s.name) ?? []).map((n) => n.node) });
      out.set(s.imageDigest!, list);
    }
    return out;
  }

  /** Nodes with running tasks, per service: one task listing per service, a few at a time. */
  private async nodesOf(live: LiveService[]): Promise<Map<string, NodeTasksDto[]>> {
    const out = new Map<string, NodeTasksDto[]>();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < live.length; i = next++) {
        const tasks = await this.swarm.tasks(live[i].name).catch(() => []);
        const counts = new Map<string, number>();
        for (const t of tasks)
          if (t.state === 'running')
            counts.set(t.nodeHostname ?? t.nodeId ?? '?', (counts.get(t.nodeHostname ?? t.nodeId ?? '?') ?? 0) + 1);
        out.set(
          live[i].name,
          [...counts].map(([node, n]) => ({ node, tasks: n })).sort((a, b) => a.node.localeCompare(b.node)),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(TASK_CONCURRENCY, live.length) }, worker));
    return out;
  }
}
