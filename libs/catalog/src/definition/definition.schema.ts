import { z } from 'zod';
import { replicasSchema, serviceNameSchema } from './input-rules';

/*
 * A service definition: the catalog's name, description and tags, and one
 * service in the Compose Specification's vocabulary, flat, so a service pasted
 * from a compose file deploys. Every object is strict: a key we do not support
 * is rejected by name, never silently dropped.
 */

/** `/api/services/live` lists the swarm's services: a definition by that name could never be read back. */
export const RESERVED_SERVICE_NAMES = new Set(['live']);
// [registry[:port]/]path[:tag][@digest], as the distribution reference grammar has it (lowercase path)
const IMAGE_REF =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const MEMORY = /^\d+(?:\.\d+)?\s*(?:[bkmg]b?|[bkmg]i?b?)?$/i;

const duration = z.string().regex(DURATION, 'must be a duration like 10s, 1m30s or 500ms');
const memory = z.union([z.number().int().nonnegative(), z.string().regex(MEMORY, 'must be a size like 512M, 2G or a number of bytes')]);
const cpus = z.union([z.number().positive(), z.string().regex(/^\d+(?:\.\d+)?$/, 'must be a number of CPUs like 0.5')]);
const stringOrList = z.union([z.string().min(1), z.array(z.string())]);
const mapOrList = z.union([
  z.record(z.string().regex(/^[^=\s]+$/, 'keys must not contain "=" or spaces'), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.array(z.string().regex(/^[^=\s]+(=.*)?$/s, 'entries must be KEY=VALUE')),
]);
const port = z.number().int().min(1, 'must be a port number 1-65535').max(65535, 'must be a port number 1-65535');

const longPort = z
  .object({
    target: port,
    published: z.union([port, z.string().regex(/^\d+$/, 'must be a port number')]).optional(),
    protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
    mode: z.enum(['ingress', 'host']).optional(),
    name: z.string().optional(),
    app_protocol: z.string().optional(),
    host_ip: z.string().optional(),
  })
  .strict();
const shortPort = z.union([port, z.string().min(1)]);

const volume = z.union([
  z.string().min(1),
  z
    .object({
      type: z.enum(['volume', 'bind', 'tmpfs']),
      source: z.string().optional(),
      target: z.string().startsWith('/', 'must be an absolute path in the container'),
      read_only: z.boolean().optional(),
      bind: z.object({ propagation: z.string().optional(), create_host_path: z.boolean().optional() }).strict().optional(),
      volume: z.object({ nocopy: z.boolean().optional() }).strict().optional(),
      tmpfs: z.object({ size: memory.optional(), mode: z.number().int().optional() }).strict().optional(),
    })
    .strict(),
]);

const healthcheck = z
  .object({
    test: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    interval: duration.optional(),
    timeout: duration.optional(),
    retries: z.number().int().nonnegative().optional(),
    start_period: duration.optional(),
    start_interval: duration.optional(),
    disable: z.boolean().optional(),
  })
  .strict();

const updateConfig = z
  .object({
    parallelism: z.number().int().nonnegative().optional(),
    delay: duration.optional(),
    failure_action: z.enum(['continue', 'pause', 'rollback']).optional(),
    monitor: duration.optional(),
    max_failure_ratio: z.number().min(0).max(1).optional(),
    order: z.enum(['stop-first', 'start-first']).optional(),
  })
  .strict();

const genericResource = z
  .object({ discrete_resource_spec: z.object({ kind: z.string().min(1), value: z.number().int().positive() }).strict() })
  .strict();

const deploy = z
  .object({
    mode: z.enum(['replicated', 'global']).optional(),
    replicas: replicasSchema.optional(),
    endpoint_mode: z.enum(['vip', 'dnsrr']).optional(),
    labels: mapOrList.optional(),
    placement: z
      .object({
        constraints: z.array(z.string().regex(/^[\w.-]+\s*(==|!=)\s*\S.*$/, 'must be like node.labels.gpu==true')).optional(),
        preferences: z.array(z.object({ spread: z.string().min(1) }).strict()).optional(),
        max_replicas_per_node: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
    resources: z
      .object({
        limits: z
          .object({ cpus: cpus.optional(), memory: memory.optional(), pids: z.number().int().positive().optional() })
          .strict()
          .optional(),
        reservations: z
          .object({ cpus: cpus.optional(), memory: memory.optional(), generic_resources: z.array(genericResource).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    restart_policy: z
      .object({
        condition: z.enum(['none', 'on-failure', 'any']).optional(),
        delay: duration.optional(),
        max_attempts: z.number().int().nonnegative().optional(),
        window: duration.optional(),
      })
      .strict()
      .optional(),
    update_config: updateConfig.optional(),
    rollback_config: updateConfig.optional(),
  })
  .strict();

export const serviceDefinitionSchema = z
  .object({
    name: serviceNameSchema.refine(
      (n) => !RESERVED_SERVICE_NAMES.has(n),
      (n) => ({ message: `"${n}" is reserved: /api/services/${n} is the list of the swarm's live services` }),
    ),
    description: z.string().max(2000).optional(),
    tags: z
      .array(z.string().regex(/^[\w.:/-]{1,64}$/, 'tags are words of letters, digits and . : / _ -'))
      .max(50)
      .optional(),
    image: z
      .string({ required_error: 'is required' })
      .max(512)
      .regex(IMAGE_REF, 'must be an image reference like registry:5000/app/web:1.2 (no spaces, lowercase repository)'),
    command: stringOrList.optional(),
    entrypoint: stringOrList.optional(),
    environment: mapOrList.optional(),
    ports: z.array(z.union([shortPort, longPort])).optional(),
    volumes: z.array(volume).optional(),
    networks: z
      .union([z.array(z.string().min(1)), z.record(z.union([z.null(), z.object({ aliases: z.array(z.string()).optional() }).strict()]))])
      .optional(),
    labels: mapOrList.optional(),
    healthcheck: healthcheck.optional(),
    user: z.string().optional(),
    working_dir: z.string().optional(),
    hostname: z.string().optional(),
    stop_grace_period: duration.optional(),
    stop_signal: z.string().optional(),
    tty: z.boolean().optional(),
    read_only: z.boolean().optional(),
    init: z.boolean().optional(),
    cap_add: z.array(z.string()).optional(),
    cap_drop: z.array(z.string()).optional(),
    deploy: deploy.optional(),
    'x-update': z.enum(['off', 'notify', 'redeploy']).optional(),
  })
  .strict();

export type ServiceDefinition = z.infer<typeof serviceDefinitionSchema>;
