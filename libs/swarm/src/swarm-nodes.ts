import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { DockerClient } from './docker.client';
import { withVersionRetry } from './swarm-error';
import type { EngineNode, EngineTask } from './engine.types';
import { toNodeSummary } from './swarm.mappers';
import type { NodeSummary } from './swarm.types';

export type NodeAvailability = 'active' | 'pause' | 'drain';

export interface NodeUsage {
  runningTasks: number;
  reservedCpus: number;
  reservedMemoryBytes: number;
}

@Injectable()
export class SwarmNodes {
  constructor(private readonly docker: DockerClient) {}

  async list(): Promise<NodeSummary[]> {
    const nodes = await this.listRaw();
    return nodes.map(toNodeSummary).sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  /** Per node: running tasks and what they reserve (one task list for the whole swarm). */
  async usage(): Promise<Map<string, NodeUsage>> {
    const tasks = await this.docker.run(
      'tasks',
      (d) => d.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }) }) as Promise<EngineTask[]>,
    );
    const out = new Map<string, NodeUsage>();
    for (const t of tasks) {
      if (!t.NodeID || t.Status?.State !== 'running') continue;
      const u = out.get(t.NodeID) ?? { runningTasks: 0, reservedCpus: 0, reservedMemoryBytes: 0 };
      const r = t.Spec?.Resources?.Reservations ?? {};
      out.set(t.NodeID, {
        runningTasks: u.runningTasks + 1,
        reservedCpus: u.reservedCpus + (r.NanoCPUs ?? 0) / 1e9,
        reservedMemoryBytes: u.reservedMemoryBytes + (r.MemoryBytes ?? 0),
      });
    }
    return out;
  }

  /** By id, id prefix or hostname, as the docker CLI resolves a node. */
  async inspect(idOrHostname: string): Promise<NodeSummary> {
    return toNodeSummary(await this.inspectRaw(idOrHostname));
  }

  async setAvailability(idOrHostname: string, availability: NodeAvailability, opts: { force?: boolean } = {}): Promise<NodeSummary> {
    await withVersionRetry(async () => {
      const node = await this.inspectRaw(idOrHostname);
      await this.refuseLastManager(node, availability, opts);
      await this.update(node, { ...node.Spec, Availability: availability });
    });
    return this.inspect(idOrHostname);
  }

  /** What `setAvailability` would refuse, without changing anything (for a dry run); the node as it is now. */
  async checkAvailability(idOrHostname: string, availability: NodeAvailability, opts: { force?: boolean } = {}): Promise<NodeSummary> {
    const node = await this.inspectRaw(idOrHostname);
    await this.refuseLastManager(node, availability, opts);
    return toNodeSummary(node);
  }

  private async refuseLastManager(node: EngineNode, availability: NodeAvailability, opts: { force?: boolean }): Promise<void> {
    if (availability === 'active' || node.Spec?.Role !== 'manager' || opts.force) return;
    const all = await this.listRaw();
    const otherActiveManagers = all.filter(
      (n) => n.ID !== node.ID && n.Spec?.Role === 'manager' && n.Spec?.Availability === 'active' && n.Status?.State === 'ready',
    );
    if (otherActiveManagers.length === 0) {
      throw new DomainError(
        'CONFLICT',
        `node "${node.Description?.Hostname}" is the last active manager: setting it to ${availability} would leave no manager to run manager-pinned services (this app among them); pass force=true to do it anyway`,
      );
    }
  }

  async updateLabels(idOrHostname: string, change: { add?: Record<string, string>; remove?: string[] }): Promise<NodeSummary> {
    await withVersionRetry(async () => {
      const node = await this.inspectRaw(idOrHostname);
      const labels: Record<string, string> = { ...(node.Spec?.Labels ?? {}) };
      for (const key of change.remove ?? []) delete labels[key];
      Object.assign(labels, change.add ?? {});
      await this.update(node, { ...node.Spec, Labels: labels });
    });
    return this.inspect(idOrHostname);
  }

  private async update(node: EngineNode, spec: object): Promise<void> {
    const what = `node "${node.Description?.Hostname ?? node.ID}"`;
    await this.docker.run(what, (d) => d.getNode(node.ID).update({ version: node.Version?.Index, ...spec }));
  }

  private listRaw(): Promise<EngineNode[]> {
    return this.docker.run('nodes', (d) => d.listNodes() as Promise<unknown> as Promise<EngineNode[]>);
  }

  private async inspectRaw(idOrHostname: string): Promise<EngineNode> {
    const what = `node "${idOrHostname}"`;
    try {
      return await this.docker.run(what, (d) => d.getNode(idOrHostname).inspect() as Promise<EngineNode>);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'NOT_FOUND') throw err;
    }
    // the Engine resolves ids and id prefixes; hostnames need a list
    const nodes = await this.listRaw();
    const byName = nodes.filter((n) => n.Description?.Hostname === idOrHostname);
    if (byName.length === 1) return byName[0];
    if (byName.length > 1)
      throw new DomainError('CONFLICT', `${what} is ambiguous: ${byName.length} nodes have that hostname; use the node id`);
    throw new DomainError('NOT_FOUND', `${what} not found`);
  }
}
