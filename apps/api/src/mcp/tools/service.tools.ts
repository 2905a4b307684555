import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpTool } from '@app/mcp';
import { ImageRedeploys } from '../../images/image-redeploys.service';
import { ImageUpdates } from '../../images/image-updates.service';
import { CatalogEntriesService } from '../../services/catalog-entries.service';
import { DeploymentPlanner } from '../../services/deployment-planner';
import { DeploymentService } from '../../services/deployment.service';
import { LiveSwarmService } from '../../services/live-swarm.service';
import { ServiceLogsService } from '../../services/service-logs.service';
import { mcpActor } from '../mcp-call-context';
import { dryRun, imageFields, listOf, orPlan, readTool, replicas, serviceName, tailLines, waitSeconds } from './tool-schemas';

const status = z
  .object({
    name: z.string(),
    status: z.string(),
    statusText: z.string(),
    image: z.string().optional(),
    replicasDesired: z.number().optional(),
    replicasRunning: z.number().optional(),
    ...imageFields,
  })
  .passthrough();

/** The services an agent operates: the same services the REST API calls; changes are recorded with the MCP caller. */
@Injectable()
export class ServiceTools {
  constructor(
    private readonly entries: CatalogEntriesService,
    private readonly deployments: DeploymentService,
    private readonly planner: DeploymentPlanner,
    private readonly serviceLogs: ServiceLogsService,
    private readonly live: LiveSwarmService,
    private readonly updates: ImageUpdates,
    private readonly redeploys: ImageRedeploys,
  ) {}

  @McpTool(
    readTool({
      name: 'list_services',
      description:
        'List the service catalog with each service\'s current status (not deployed, running n of m, updating, degraded), and `imageUpdate` when its tag names a newer digest in the registry (or `imageNotFollowed`: why its image is not checked). Works from the catalog even when Docker is unreachable (status "unknown").',
      input: z.object({}).strict(),
      output: listOf('services', status),
      title: 'List services',
      closed: true,
    }),
  )
  async listServices() {
    return { services: await this.entries.listServices() };
  }

  @McpTool(
    readTool({
      name: 'get_service',
      description:
        'One service: its definition (YAML), live status, tasks per node, drift between the definition and what the swarm runs, and `imageUpdate` when its tag names a newer digest (redeploy_service rolls it there).',
      input: z.object({ name: serviceName }).strict(),
      output: z.object({ name: z.string(), status: z.string(), yaml: z.string(), ...imageFields }).passthrough(),
      title: 'Get service',
    }),
  )
  getService({ name }: { name: string }) {
    return this.entries.getService(name);
  }

  @McpTool({
    name: 'deploy_service',
    description:
      'Deploy a service and wait until its replicas run. Creates the catalog entry when missing (from image, replicas, ports), otherwise updates those fields; deploying an unchanged service changes nothing. Reports convergence per replica.',
    input: z
      .object({
        name: serviceName,
        image: z
          .string({ required_error: 'is required' })
          .min(1)
          .max(512)
          .regex(/^\S+$/, 'must be an image reference without spaces')
          .describe('e.g. mini2:5000/web:1.4'),
        replicas: replicas.optional(),
        ports: z
          .array(z.string().regex(/^[\d.:]+(\/(tcp|udp|sctp))?$/, 'must be like 8080:80 or 8080:80/udp'))
          .optional()
          .describe('published ports, compose short syntax'),
        dry_run: dryRun,
      })
      .strict(),
    output: orPlan(z.object({ name: z.string(), action: z.string(), image: z.string() })),
    annotations: { title: 'Deploy service', destructiveHint: false, idempotentHint: true },
    role: 'operator',
  })
  deployService({
    name,
    image,
    replicas: n,
    ports,
    dry_run,
  }: {
    name: string;
    image: string;
    replicas?: number;
    ports?: string[];
    dry_run?: boolean;
  }) {
    if (dry_run) return this.planner.planDeployImage(name, image, n, ports);
    return this.deployments.deployImage(name, image, n, ports, mcpActor());
  }

  @McpTool({
    name: 'stop_service',
    description: 'Remove a service from the swarm (its tasks stop); the catalog entry stays, so it can be deployed again.',
    input: z.object({ name: serviceName, dry_run: dryRun }).strict(),
    output: orPlan(z.object({ name: z.string(), stopped: z.boolean() })),
    annotations: { title: 'Stop service', destructiveHint: true, idempotentHint: true },
    role: 'operator',
  })
  stopService({ name, dry_run }: { name: string; dry_run?: boolean }) {
    if (dry_run) return this.planner.planStop(name);
    return this.deployments.stopService(name, mcpActor());
  }

  @McpTool({
    name: 'scale_service',
    description: 'Set the number of replicas of a replicated service, in its definition file and in the swarm.',
    input: z.object({ name: serviceName, replicas, dry_run: dryRun }).strict(),
    output: orPlan(status),
    annotations: { title: 'Scale service', destructiveHint: false, idempotentHint: true },
    role: 'operator',
  })
  scaleService({ name, replicas: n, dry_run }: { name: string; replicas: number; dry_run?: boolean }) {
    if (dry_run) return this.planner.planScale(name, n);
    return this.deployments.scaleService(name, n, mcpActor());
  }

  @McpTool({
    name: 'get_service_logs',
    description: 'The last lines a service printed, from every task, each with its task slot and node.',
    input: z
      .object({
        name: serviceName,
        tail: tailLines('task'),
      })
      .strict(),
    output: listOf('lines', z.object({ message: z.string() }).passthrough()),
    annotations: { title: 'Service logs', readOnlyHint: true },
    role: 'operator',
  })
  async getServiceLogs({ name, tail }: { name: string; tail?: number }) {
    const lines = [];
    for await (const l of this.serviceLogs.logs(name, { tail: tail ?? 100, timestamps: true })) lines.push(l);
    return { lines };
  }

  @McpTool(
    readTool({
      name: 'list_tasks',
      description: 'The tasks of a service: slot, node, desired and current state, error, exit code.',
      input: z.object({ name: serviceName }).strict(),
      output: listOf('tasks', z.object({ id: z.string(), state: z.string() }).passthrough()),
      title: 'List tasks',
    }),
  )
  async listTasks({ name }: { name: string }) {
    return { tasks: await this.live.listServiceTasks(name) };
  }

  @McpTool({
    name: 'rollback_service',
    description: 'Roll a service back to the spec it ran before its last update, as `docker service rollback`.',
    input: z.object({ name: serviceName, dry_run: dryRun }).strict(),
    output: orPlan(status),
    annotations: { title: 'Roll back service', destructiveHint: true },
    role: 'operator',
  })
  rollbackService({ name, dry_run }: { name: string; dry_run?: boolean }) {
    if (dry_run) return this.planner.planRollback(name);
    return this.deployments.rollbackService(name, mcpActor());
  }

  @McpTool({
    name: 'redeploy_service',
    description:
      "Roll a catalog service to the digest its image tag names now in the registry (after a push under the same tag; see imageUpdate in get_service or list_image_updates), through the normal deploy, waiting for convergence; when it does not converge it is rolled back and the history says why. The same path as the definition's `x-update: redeploy`. dry_run answers the old and new digest and the tasks that would restart.",
    input: z
      .object({
        name: serviceName,
        dry_run: dryRun,
        timeout: waitSeconds('seconds to wait for convergence before rolling back, default 120'),
      })
      .strict(),
    output: orPlan(
      z.object({
        name: z.string(),
        outcome: z.string(),
        repository: z.string(),
        tag: z.string(),
        toDigest: z.string(),
        message: z.string(),
      }),
    ),
    annotations: { title: 'Redeploy service', destructiveHint: true, idempotentHint: true },
    role: 'operator',
  })
  redeployService({ name, dry_run, timeout }: { name: string; dry_run?: boolean; timeout?: number }) {
    if (dry_run) return this.redeploys.plan(name);
    return this.updates.redeploy(name, mcpActor(), timeout);
  }
}
