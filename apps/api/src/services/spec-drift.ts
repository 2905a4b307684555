import type { ServiceDefinition } from '@app/catalog';
import type { ServiceSpec, ServiceState } from '@app/swarm';
import { composeToSwarmSpec, SPEC_HASH_LABEL } from './compose-to-swarm-spec';

export interface DriftItem {
  path: string;
  definition: unknown;
  deployed: unknown;
}

/**
 * What differs between the spec a definition gives and the deployed spec, for
 * every field the definition sets (the Engine fills in defaults we ignore).
 */
export function specDrift(wanted: unknown, deployed: unknown, path = ''): DriftItem[] {
  if (wanted === undefined) return [];
  if (Array.isArray(wanted)) {
    if (!Array.isArray(deployed) || deployed.length !== wanted.length) return [{ path, definition: wanted, deployed }];
    return wanted.flatMap((w, i) => specDrift(w, deployed[i], `${path}[${i}]`));
  }
  if (wanted && typeof wanted === 'object') {
    if (!deployed || typeof deployed !== 'object') return [{ path, definition: wanted, deployed }];
    return Object.entries(wanted).flatMap(([k, v]) =>
      k === SPEC_HASH_LABEL ? [] : specDrift(v, (deployed as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
    );
  }
  return wanted === deployed ? [] : [{ path, definition: wanted, deployed }];
}

/**
 * Where the swarm's service differs from what its definition gives. A deploy
 * pins the tag's digest: the definition's image without the digest is still in sync.
 */
export function definitionDrift(
  def: ServiceDefinition,
  state: Pick<ServiceState, 'image' | 'spec'>,
  networkNames = new Map<string, string>(),
): DriftItem[] {
  const pinned = state.image.split('@')[0] === def.image ? state.image : def.image;
  return specDrift(composeToSwarmSpec(def, pinned), withNetworkNames(state.spec, networkNames));
}

/** The deployed spec with its networks named as a definition names them (the Engine keeps ids), so like is compared with like. */
export function withNetworkNames(spec: ServiceSpec, names: Map<string, string>): ServiceSpec {
  const networks = spec.TaskTemplate?.Networks;
  if (!networks?.length || !names.size) return spec;
  return {
    ...spec,
    TaskTemplate: { ...spec.TaskTemplate, Networks: networks.map((n) => ({ ...n, Target: names.get(n.Target) ?? n.Target })) },
  };
}
