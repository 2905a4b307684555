/*
 * Which nodes a service may run on, as the swarm scheduler decides it for a
 * global service: active and ready nodes that match every placement
 * constraint and, when the spec lists platforms, one of them.
 */

export interface EligibilityNode {
  ID?: string;
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Status?: { State?: string };
  Description?: { Hostname?: string; Platform?: { OS?: string; Architecture?: string }; Engine?: { Labels?: Record<string, string> } };
}

export interface EligibilityPlacement {
  Constraints?: string[];
  Platforms?: { OS?: string; Architecture?: string }[];
}

/** A node attribute a constraint names, or undefined when the node has none (a label it lacks). */
function attribute(node: EligibilityNode, key: string): string | undefined {
  const k = key.trim();
  const lower = k.toLowerCase();
  if (lower === 'node.id') return node.ID;
  if (lower === 'node.hostname') return node.Description?.Hostname;
  if (lower === 'node.role') return node.Spec?.Role;
  if (lower === 'node.platform.os') return node.Description?.Platform?.OS;
  if (lower === 'node.platform.arch') return node.Description?.Platform?.Architecture;
  if (lower.startsWith('node.labels.')) return node.Spec?.Labels?.[k.slice('node.labels.'.length)];
  if (lower.startsWith('engine.labels.')) return node.Description?.Engine?.Labels?.[k.slice('engine.labels.'.length)];
  return undefined;
}

/** One `key==value` / `key!=value` constraint; the scheduler compares case-insensitively. */
export function matchesConstraint(node: EligibilityNode, constraint: string): boolean {
  const m = /^(.*?)(==|!=)(.*)$/.exec(constraint);
  if (!m) return false;
  const value = attribute(node, m[1]);
  const wanted = m[3].trim().toLowerCase();
  const equal = value !== undefined && value.toLowerCase() === wanted;
  return m[2] === '==' ? equal : !equal;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64' };
const arch = (a: string | undefined) => (a ? (ARCH_ALIASES[a.toLowerCase()] ?? a.toLowerCase()) : '');

export function isEligible(node: EligibilityNode, placement: EligibilityPlacement | undefined): boolean {
  if (node.Spec?.Availability !== 'active' || node.Status?.State !== 'ready') return false;
  if (!(placement?.Constraints ?? []).every((c) => matchesConstraint(node, c))) return false;
  const platforms = placement?.Platforms ?? [];
  if (platforms.length === 0) return true;
  const os = (node.Description?.Platform?.OS ?? '').toLowerCase();
  const na = arch(node.Description?.Platform?.Architecture);
  return platforms.some((p) => (!p.OS || p.OS.toLowerCase() === os) && (!p.Architecture || arch(p.Architecture) === na));
}
