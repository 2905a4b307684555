import { z } from 'zod';
import { replicasSchema, serviceNameSchema } from '@app/catalog';
import type { McpToolOptions } from '@app/mcp';

/** Argument rules shared by the tools: built from the same rules the REST API and the definition schema apply. */
export const serviceName = serviceNameSchema.describe('the service name');
export const replicas = replicasSchema;
export const nodeRef = z
  .string({ required_error: 'is required' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'must be a node id or hostname')
  .describe('node id or hostname');
/** Lists in structuredContent are wrapped: it must be an object. */
export const listOf = <T extends z.ZodTypeAny>(key: string, item: T) => z.object({ [key]: z.array(item) });

/** `dry_run`: the tools that change something answer what would change instead, and change nothing. */
export const dryRun = z
  .boolean()
  .optional()
  .describe('true: answer what would change (fields, checks, tasks that would stop or move) and change nothing');

/** A tool's output when it can also answer a dry run: its own result's fields, or the plan's (`dryRun: true`, `summary`, `changes`, `tasks`). */
export const orPlan = <T extends z.ZodRawShape>(result: z.ZodObject<T>) =>
  result
    .partial()
    .extend({
      // a plan names its service or node; a drain's own result is the node (id, hostname), which has no name
      name: z.string().optional(),
      dryRun: z.literal(true).optional(),
      summary: z.string().optional(),
      changes: z.array(z.object({ path: z.string() }).passthrough()).optional(),
    })
    .passthrough();

/** `tail` of the log tools: lines per task or per service. */
export const tailLines = (per: string) =>
  z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(2000, 'must be at most 2000')
    .optional()
    .describe(`lines per ${per}, default 100`);

/** `timeout` of the tools that wait for convergence, in seconds. */
export const waitSeconds = (description: string) =>
  z.number().int('must be a whole number').min(1, 'must be at least 1').max(900, 'must be at most 900').optional().describe(description);

/** A list or get tool: read-only, idempotent, for viewers unless it names another role; `closed`: it reads only this cluster. */
export function readTool({
  title,
  closed,
  ...options
}: Omit<McpToolOptions, 'annotations'> & { title: string; closed?: boolean }): McpToolOptions {
  return {
    role: 'viewer',
    ...options,
    annotations: { title, readOnlyHint: true, idempotentHint: true, ...(closed ? { openWorldHint: false } : {}) },
  };
}

/** A pending image update, as list_image_updates and the service tools answer it. */
export const imageUpdate = z
  .object({
    service: z.string(),
    image: z.string(),
    tag: z.string(),
    currentDigest: z.string(),
    availableDigest: z.string(),
    pushedAt: z.string(),
    policy: z.string(),
    summary: z.string(),
  })
  .passthrough();

/** What a service answer says about its image: the pending update, or why the image is not followed. */
export const imageFields = {
  imageUpdate: imageUpdate.optional(),
  imageNotFollowed: z.string().optional(),
};
