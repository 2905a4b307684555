import { z } from 'zod';

/*
 * The input rules every entry point applies, written once: the definition
 * schema, the REST DTOs (class-validator) and the MCP tools (zod) are built
 * from these, so a name or a replica count means the same everywhere.
 */

/** A service name: a DNS label, as Swarm's service names and our file names need. */
export const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SERVICE_NAME_RULE = 'must be a DNS label: lowercase letters, digits and "-", 1-63 characters, starting with a letter or digit';

export const REPLICAS = { min: 0, max: 1000 } as const;
export const REPLICAS_RULES = {
  integer: 'must be a whole number',
  min: `must be ${REPLICAS.min} or more`,
  max: `must be at most ${REPLICAS.max}`,
} as const;

export const serviceNameSchema = z.string({ required_error: 'is required' }).regex(SERVICE_NAME, SERVICE_NAME_RULE);

export const replicasSchema = z
  .number({ required_error: 'is required' })
  .int(REPLICAS_RULES.integer)
  .min(REPLICAS.min, REPLICAS_RULES.min)
  .max(REPLICAS.max, REPLICAS_RULES.max);

export const BOOLEAN_FLAG_RULE = 'must be true or false';

/**
 * A flag from a query string: "true" and "false" become booleans; anything
 * else is left as it came, for the validator to refuse by name.
 */
export function parseBooleanFlag(value: unknown): unknown {
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  return value;
}
