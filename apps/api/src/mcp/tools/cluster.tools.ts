import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpTool } from '@app/mcp';
import { HealthService } from '../../health/health.service';
import { NodesService } from '../../nodes/nodes.service';
import { RegistryApiService } from '../../registry/registry-api.service';
import { dryRun, listOf, nodeRef, orPlan } from './tool-schemas';

const node = z
  .object({ id: z.string(), hostname: z.string(), role: z.string(), state: z.string(), availability: z.string() })
  .passthrough();

/** Nodes, health and the registry, for agents: the same services the REST API calls. */
@Injectable()
export class ClusterTools {
  constructor(
    private readonly nodes: NodesService,
    private readonly health: HealthService,
    private readonly registry: RegistryApiService,
  ) {}

  @McpTool({
    name: 'list_nodes',
    description:
      "The swarm's nodes: hostname, role, leader, state, availability, address, engine version, OS and architecture, CPUs, memory, GPUs (generic resources) and labels.",
    input: z.object({}).strict(),
    output: listOf('nodes', node),
    annotations: { title: 'List nodes', readOnlyHint: true, idempotentHint: true },
    role: 'viewer',
  })
  async listNodes() {
    return { nodes: await this.nodes.listNodes() };
  }

  @McpTool({
    name: 'drain_node',
    description: 'Drain a node: the swarm moves its tasks to other nodes. Refused for the last active manager unless force is true.',
    input: z.object({ node: nodeRef, force: z.boolean().optional(), dry_run: dryRun }).strict(),
    output: orPlan(node),
    annotations: { title: 'Drain node', destructiveHint: true, idempotentHint: true },
    role: 'admin',
  })
  drainNode({ node: id, force, dry_run }: { node: string; force?: boolean; dry_run?: boolean }) {
    if (dry_run) return this.nodes.planDrain(id, force);
    return this.nodes.drainNode(id, force);
  }

  @McpTool({
    name: 'activate_node',
    description: 'Make a drained or paused node eligible for tasks again.',
    input: z.object({ node: nodeRef }).strict(),
    output: node,
    annotations: { title: 'Activate node', idempotentHint: true },
    role: 'admin',
  })
  activateNode({ node: id }: { node: string }) {
    return this.nodes.activateNode(id);
  }

  @McpTool({
    name: 'get_health',
    description:
      'Is the cluster OK? Status (healthy, degraded, unhealthy) with the reasons, per node and per service, Docker and registry reachability, from the health monitor (no Docker call; the stdio server polls once).',
    input: z.object({}).strict(),
    output: z.object({ status: z.string(), reasons: z.array(z.string()) }).passthrough(),
    annotations: { title: 'Cluster health', readOnlyHint: true, idempotentHint: true },
    role: 'viewer',
  })
  getHealth() {
    return this.health.getSnapshot();
  }

  @McpTool({
    name: 'get_health_history',
    description:
      'What happened: health transitions, newest first (node down / back, service degraded / recovered, Docker or registry lost / back).',
    input: z.object({ limit: z.number().int('must be a whole number').min(1).max(500).optional() }).strict(),
    output: z.object({ total: z.number(), events: z.array(z.object({ at: z.string(), message: z.string() }).passthrough()) }),
    annotations: { title: 'Health history', readOnlyHint: true },
    role: 'viewer',
  })
  getHealthHistory({ limit }: { limit?: number }) {
    return this.health.getHistory(limit ?? 50);
  }

  @McpTool({
    name: 'get_registry_images',
    description: 'Every repository in the private registry with its tags.',
    input: z.object({}).strict(),
    output: listOf('images', z.object({ repository: z.string(), tags: z.array(z.string()) })),
    annotations: { title: 'Registry images', readOnlyHint: true, idempotentHint: true },
    role: 'viewer',
  })
  async getRegistryImages() {
    return { images: await this.registry.listImages() };
  }

  @McpTool({
    name: 'get_registry_tags',
    description: 'The tags of one repository with digest, compressed size, platforms (os/architecture) and created time.',
    input: z.object({ repository: z.string({ required_error: 'is required' }).min(1).max(255).describe('e.g. team/web') }).strict(),
    output: listOf('tags', z.object({ tag: z.string(), digest: z.string() }).passthrough()),
    annotations: { title: 'Registry tags', readOnlyHint: true, idempotentHint: true },
    role: 'viewer',
  })
  async getRegistryTags({ repository }: { repository: string }) {
    return { tags: await this.registry.listTags(repository) };
  }
}
