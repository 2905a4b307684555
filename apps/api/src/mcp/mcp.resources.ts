import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpListedResource, McpPrompt, McpResource, McpResourceList } from '@app/mcp';
import { CatalogEntriesService } from '../services/catalog-entries.service';
import { ServiceLogsService } from '../services/service-logs.service';
import { serviceName } from './tools/tool-schemas';

const DEFINITIONS = 'definitions';
const LOG_LINES = 100;

/**
 * What an agent may read without a tool call (the catalog's definitions, a
 * service's recent logs), and prompts for two common jobs that chain the read
 * tools in the order an operator would.
 */
@Injectable()
export class McpResources {
  constructor(
    private readonly entries: CatalogEntriesService,
    private readonly serviceLogs: ServiceLogsService,
  ) {}

  @McpResource({
    name: DEFINITIONS,
    uriTemplate: 'swarm://definitions/{name}',
    title: 'Service definition',
    description: "A service's definition as it is on disk (definitions/<name>.yaml, Compose vocabulary), secrets masked.",
    mimeType: 'application/yaml',
    role: 'viewer',
  })
  async readDefinition({ name }: { name: string }): Promise<string> {
    return (await this.entries.getService(name)).yaml;
  }

  @McpResourceList(DEFINITIONS)
  async listDefinitions(): Promise<McpListedResource[]> {
    return (await this.entries.listServices()).map((s) => ({
      uri: `swarm://definitions/${s.name}`,
      name: s.name,
      description: s.description || undefined,
    }));
  }

  @McpResource({
    name: 'service-logs',
    uriTemplate: 'swarm://services/{name}/logs',
    title: 'Recent service logs',
    description: `The last ${LOG_LINES} lines of every task of a service, as \`docker service logs --timestamps --tail ${LOG_LINES}\` prints them.`,
    mimeType: 'text/plain',
    role: 'operator',
  })
  async readLogs({ name }: { name: string }): Promise<string> {
    const lines: string[] = [];
    for await (const l of this.serviceLogs.logs(name, { tail: LOG_LINES, timestamps: true })) {
      lines.push(`${l.timestamp ?? ''} ${name}.${l.taskSlot ?? '?'}@${l.nodeHostname ?? l.nodeId ?? '?'} | ${l.message}`.trim());
    }
    return lines.join('\n');
  }

  @McpPrompt({
    name: 'why_not_running',
    title: 'Why is this service not running?',
    description: 'Find out why a service does not run (or runs fewer replicas than asked), from the read tools, and say what would fix it.',
    args: z.object({ service: serviceName }).strict(),
    role: 'viewer',
  })
  whyNotRunning({ service }: { service: string }): string {
    return [
      `The service "${service}" is not running as it should. Find out why, using only read tools, in this order:`,
      `1. get_service {"name": "${service}"}: its status, the replicas desired and running, the drift between its definition and what the swarm runs.`,
      `2. list_tasks {"name": "${service}"}: each task's desired and current state, its error and exit code, its node. A task rejected or failing over and over is the usual answer ("no suitable node", "No such image", a non-zero exit).`,
      `3. get_service_logs {"name": "${service}", "tail": 50}: what the failing tasks printed before they stopped.`,
      `4. list_nodes and get_health: whether the nodes its placement needs are ready and active, and whether Docker and the registry are reachable.`,
      `5. get_registry_tags for the image's repository when a task says the image cannot be pulled: does the tag exist, for the nodes' platform?`,
      'Then answer: the cause in one sentence, the evidence (quote the task error or the log line), and the change that would fix it. Do not deploy, scale, stop or roll back anything: ask first.',
    ].join('\n');
  }

  @McpPrompt({
    name: 'roll_out_image',
    title: 'Roll out an image safely',
    description: 'Roll out a new image to a service: check the image first, deploy, watch it converge, and roll back if it does not.',
    args: z
      .object({
        service: serviceName,
        image: z.string({ required_error: 'is required' }).min(1).max(512).regex(/^\S+$/, 'must be an image reference without spaces'),
      })
      .strict(),
    role: 'viewer',
  })
  rollOutImage({ service, image }: { service: string; image: string }): string {
    return [
      `Roll out the image ${image} to the service "${service}", safely:`,
      `1. get_service {"name": "${service}"}: note the image it runs now (the way back) and that it is healthy before you start; if it is not, stop and say so.`,
      `2. get_registry_tags for the repository of ${image}: the tag must exist and have a variant for the platforms of the nodes the service may run on (list_nodes shows each node's architecture).`,
      `3. deploy_service {"name": "${service}", "image": "${image}"}: it waits for convergence and reports it per replica. If the tool takes "dry_run", call it with "dry_run": true first and show what would change.`,
      `4. If the convergence outcome is not "converged", read list_tasks and get_service_logs {"name": "${service}", "tail": 50} to find out why, then rollback_service {"name": "${service}"} (it answers with what it would do; send "confirm": true to go ahead) and check with get_service that the previous image runs again.`,
      'Report what ran, the outcome, and the evidence. Ask before any step that stops or rolls back.',
    ].join('\n');
  }
}
