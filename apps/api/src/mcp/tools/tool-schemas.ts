import { z } from 'zod';

/** Argument rules shared by the tools: the same rules the REST API applies. */
export const serviceName = z
  .string({ required_error: 'is required' })
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a DNS label: lowercase letters, digits and "-", 1-63 characters (no "/")')
  .describe('the service name');
export const replicas = z.number({ required_error: 'is required' }).int('must be a whole number').min(0, 'must be 0 or more').max(1000, 'must be at most 1000');
export const nodeRef = z.string({ required_error: 'is required' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'must be a node id or hostname').describe('node id or hostname');
/** Lists in structuredContent are wrapped: it must be an object. */
export const listOf = <T extends z.ZodTypeAny>(key: string, item: T) => z.object({ [key]: z.array(item) });
