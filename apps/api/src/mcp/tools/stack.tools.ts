import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpTool } from '@app/mcp';
import { STACK_NAME } from '@app/catalog';
import { StacksService } from '../../stacks/stacks.service';
import { toStackLogLineDto } from '../../stacks/stack-logs.dto';
import { imageFields, listOf, readTool, tailLines, waitSeconds } from './tool-schemas';
import { mcpActor } from '../mcp-call-context';

const stackName = z
  .string({ required_error: 'is required' })
  .regex(STACK_NAME, 'must be a stack name: lowercase letters, digits, "-" and "_", starting with a letter or digit, 1-32 characters')
  .describe('the stack name; it prefixes every service (`<stack>_<service>`)');
const summary = z
  .object({
    name: z.string(),
    inCatalog: z.boolean(),
    deployed: z.boolean(),
    services: z.number(),
    status: z.string(),
    statusText: z.string(),
  })
  .passthrough();
/** One stack's answer: the summary, and its services with their image-update state. */
const detail = summary
  .extend({
    serviceList: z.array(z.object({ key: z.string(), name: z.string(), deployed: z.boolean(), ...imageFields }).passthrough()),
  })
  .passthrough();
const deployResult = z
  .object({
    stack: z.string(),
    warnings: z.array(z.string()),
    services: z.array(z.object({ key: z.string(), name: z.string(), action: z.string() }).passthrough()),
  })
  .passthrough();

/** Compose stacks for agents: the same StacksService the REST API calls. */
@Injectable()
export class StackTools {
  constructor(private readonly stacks: StacksService) {}

  @McpTool(
    readTool({
      name: 'list_stacks',
      description:
        'List compose stacks: those in the catalog and those running on the swarm (also stacks made with `docker stack deploy`), each with its services count, replicas running of desired, and status.',
      input: z.object({}).strict(),
      output: listOf('stacks', summary),
      title: 'List stacks',
      closed: true,
    }),
  )
  async listStacks() {
    return { stacks: await this.stacks.list() };
  }

  @McpTool(
    readTool({
      name: 'get_stack',
      description:
        'One stack: its compose file, variables (secret-looking values masked), warnings, services with their status and `imageUpdate` (their tag names a newer digest), tasks per node, networks, and drift between the file and what the swarm runs.',
      input: z.object({ name: stackName }).strict(),
      output: detail,
      title: 'Get stack',
    }),
  )
  getStack({ name }: { name: string }) {
    return this.stacks.get(name);
  }

  @McpTool({
    name: 'deploy_stack',
    description:
      'Deploy a compose file as `docker stack deploy` would, and wait until every service converged. Creates the stack in the catalog, or replaces its file and variables (a variable sent as ******** keeps its stored value), then deploys. Interpolates ${VAR} from `variables` only; keys Swarm ignores come back as warnings; a refused key is named.',
    input: z
      .object({
        name: stackName,
        compose: z
          .string({ required_error: 'is required' })
          .min(1, 'must not be empty')
          .max(1024 * 1024, 'must be at most 1 MB')
          .describe('the compose file, YAML text'),
        variables: z.record(z.string()).optional().describe('values for ${VAR} in the file'),
        files: z
          .record(z.string())
          .optional()
          .describe('files the compose file refers to (configs, secrets, env_file), by path relative to the stack'),
        prune: z.boolean().optional().describe('remove services of the stack no longer in the file'),
        timeout: waitSeconds('seconds to wait for convergence, default 120'),
      })
      .strict(),
    output: deployResult,
    annotations: { title: 'Deploy stack', destructiveHint: false, idempotentHint: true },
    role: 'operator',
  })
  deployStack({
    name,
    compose,
    variables,
    files,
    prune,
    timeout,
  }: {
    name: string;
    compose: string;
    variables?: Record<string, string>;
    files?: Record<string, string>;
    prune?: boolean;
    timeout?: number;
  }) {
    return this.stacks.apply(name, { compose, variables, files }, { prune, timeoutSeconds: timeout, actor: mcpActor() });
  }

  @McpTool({
    name: 'stop_stack',
    description:
      'Remove a stack from the swarm as `docker stack rm` does (its services, networks, configs and secrets); the catalog definition stays, so it can be deployed again.',
    input: z.object({ name: stackName }).strict(),
    output: z.object({ name: z.string(), stopped: z.boolean() }).passthrough(),
    annotations: { title: 'Stop stack', destructiveHint: true, idempotentHint: true },
    role: 'operator',
  })
  stopStack({ name }: { name: string }) {
    return this.stacks.stop(name, mcpActor());
  }

  @McpTool({
    name: 'get_stack_logs',
    description:
      'The last lines every service of a stack printed, merged in time order, each tagged with its service, task slot and node; optionally only lines containing a text.',
    input: z
      .object({
        name: stackName,
        tail: tailLines('service'),
        filter: z
          .string()
          .max(200, 'must be at most 200 characters')
          .optional()
          .describe('keep lines containing this text (case-insensitive)'),
      })
      .strict(),
    output: listOf('lines', z.object({ service: z.string(), message: z.string() }).passthrough()),
    annotations: { title: 'Stack logs', readOnlyHint: true },
    role: 'operator',
  })
  async getStackLogs({ name, tail, filter }: { name: string; tail?: number; filter?: string }) {
    const lines = [];
    for await (const l of this.stacks.logs(name, { tail: tail ?? 100, timestamps: true, filter })) lines.push(toStackLogLineDto(l));
    return { lines };
  }
}
