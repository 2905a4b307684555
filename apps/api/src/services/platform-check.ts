import type { NodeSummary } from '@app/swarm';

/** Engine architecture names → OCI platform names. */
export function ociArch(arch: string | undefined): string | undefined {
  switch (arch) {
    case 'x86_64':
      return 'amd64';
    case 'aarch64':
      return 'arm64';
    case 'armv7l':
    case 'armhf':
      return 'arm';
    default:
      return arch;
  }
}

/**
 * A node's architecture as placement sees it. A node label `arch` wins over
 * what the engine reports, so a lab (or a node behind emulation) can stand in
 * for another platform; on a real cluster the label is simply absent.
 */
export function nodeArch(node: NodeSummary): string | undefined {
  return ociArch(node.labels.arch ?? node.architecture);
}

/** Does a node satisfy one swarm placement constraint (`node.labels.gpu==true`, `node.role!=manager`…)? */
export function matchesConstraint(node: NodeSummary, constraint: string): boolean {
  const m = /^\s*([\w.-]+)\s*(==|!=)\s*(.+?)\s*$/.exec(constraint);
  if (!m) return true;
  const [, key, op, expected] = m;
  let actual: string | undefined;
  if (key === 'node.id') actual = node.id;
  else if (key === 'node.hostname') actual = node.hostname;
  else if (key === 'node.role') actual = node.role;
  else if (key === 'node.platform.os') actual = node.os;
  else if (key === 'node.platform.arch') actual = node.architecture;
  else if (key.startsWith('node.labels.')) actual = node.labels[key.slice('node.labels.'.length)];
  else if (key.startsWith('engine.labels.')) actual = node.engineLabels[key.slice('engine.labels.'.length)];
  else return true; // unknown keys are the swarm's to judge
  return op === '==' ? actual === expected : actual !== expected;
}

/** Nodes a service with these constraints may run on (drained nodes excluded). */
export function eligibleNodes(nodes: NodeSummary[], constraints: string[] = []): NodeSummary[] {
  return nodes.filter((n) => n.availability !== 'drain' && constraints.every((c) => matchesConstraint(n, c)));
}
