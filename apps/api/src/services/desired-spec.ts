import type { ServiceDefinition } from '@app/catalog';
import type { ServiceSpec, ServiceState } from '@app/swarm';
import { composeToSwarmSpec, SPEC_HASH_LABEL, specHash } from './compose-to-swarm-spec';

/** The spec a deploy sends for a definition: carrying the hash that tells a later deploy whether anything changed. */
export function desiredSpec(def: ServiceDefinition, image: string): { spec: ServiceSpec; hash: string } {
  const spec = composeToSwarmSpec(def, image);
  const hash = specHash(spec);
  spec.Labels = { ...spec.Labels, [SPEC_HASH_LABEL]: hash };
  return { spec, hash };
}

/** What a deploy does: create when absent, nothing when the swarm carries the same hash, else update. */
export function deployAction(existing: ServiceState | undefined, hash: string): 'created' | 'updated' | 'unchanged' {
  if (!existing) return 'created';
  return existing.labels[SPEC_HASH_LABEL] === hash ? 'unchanged' : 'updated';
}
