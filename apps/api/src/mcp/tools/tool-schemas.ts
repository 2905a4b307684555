import { z } from 'zod';
import { replicasSchema, serviceNameSchema } from '@app/catalog';

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
