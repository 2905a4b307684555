import { DomainError, type DomainErrorCode } from '@app/common';
import type { ServiceDefinition } from '@app/catalog';
import type { LiveService, NodeSummary } from '@app/swarm';
import { ports as specPorts } from './compose-to-swarm-spec';
import { eligibleNodes, nodeArch } from './platform-check';

/*
 * What can be known before touching the swarm, as pure functions of the
 * facts gathered beforehand: a deploy stops at the first refusal, a dry run
 * shows every verdict.
 */

export type DeployCheckName = 'image' | 'placement' | 'platform' | 'ports';

export interface DeployCheckVerdict {
  check: DeployCheckName;
  ok: boolean;
  message: string;
  /** The error a refusal becomes. */
  code?: Extract<DomainErrorCode, 'INVALID' | 'CONFLICT'>;
}

export interface DeployFacts {
  /** The registry's answer for the image: undefined when the image is not in our registry (not checked), null when it is absent. */
  resolved?: { digest: string; platforms: string[] } | null;
  registryHost?: string;
  nodes: NodeSummary[];
  live: LiveService[];
}

export function checkImage(def: ServiceDefinition, facts: Pick<DeployFacts, 'resolved' | 'registryHost'>): DeployCheckVerdict {
  if (facts.resolved === undefined)
    return { check: 'image', ok: true, message: `not checked: "${def.image}" is not in the configured registry` };
  if (facts.resolved === null) {
    return {
      check: 'image',
      ok: false,
      code: 'INVALID',
      message: `image: "${def.image}" does not exist in the registry ${facts.registryHost}`,
    };
  }
  return { check: 'image', ok: true, message: `"${def.image}" is ${facts.resolved.digest}` };
}

export function checkPlacement(def: ServiceDefinition, nodes: NodeSummary[]): DeployCheckVerdict {
  const constraints = def.deploy?.placement?.constraints;
  const eligible = eligibleNodes(nodes, constraints);
  if (eligible.length === 0) {
    return {
      check: 'placement',
      ok: false,
      code: 'INVALID',
      message: `deploy.placement.constraints: no active node matches ${JSON.stringify(constraints ?? [])}`,
    };
  }
  return { check: 'placement', ok: true, message: `may run on ${eligible.map((n) => n.hostname).join(', ')}` };
}

export function checkPlatform(def: ServiceDefinition, platforms: string[] | undefined, nodes: NodeSummary[]): DeployCheckVerdict {
  const eligible = eligibleNodes(nodes, def.deploy?.placement?.constraints);
  if (!platforms || platforms.includes('unknown'))
    return { check: 'platform', ok: true, message: "not checked: the image's platforms are unknown" };
  const runnable = eligible.filter((n) => platforms.includes(nodeArch(n) ?? ''));
  if (eligible.length > 0 && runnable.length === 0) {
    const nodesText = eligible.map((n) => `${n.hostname} (${nodeArch(n)})`).join(', ');
    return {
      check: 'platform',
      ok: false,
      code: 'INVALID',
      message: `image: "${def.image}" is built for ${platforms.join(', ')} only, but the nodes its constraints allow are ${nodesText}`,
    };
  }
  return { check: 'platform', ok: true, message: `built for ${platforms.join(', ')}` };
}

export function checkPorts(def: ServiceDefinition, live: LiveService[]): DeployCheckVerdict {
  const wanted = specPorts(def).filter((p) => p.PublishedPort);
  for (const other of live) {
    if (other.name === def.name) continue;
    for (const p of other.ports) {
      const clash = wanted.find((w) => w.PublishedPort === p.published && (w.Protocol ?? 'tcp') === p.protocol);
      if (clash)
        return {
          check: 'ports',
          ok: false,
          code: 'CONFLICT',
          message: `ports: ${p.published}/${p.protocol} is already published by service "${other.name}"`,
        };
    }
  }
  return { check: 'ports', ok: true, message: wanted.length ? 'published ports are free' : 'publishes no port' };
}

/** Every verdict, in the order a deploy applies them. */
export function deployVerdicts(def: ServiceDefinition, facts: DeployFacts): DeployCheckVerdict[] {
  const platforms = facts.resolved ? [...new Set(facts.resolved.platforms)] : undefined;
  return [
    checkImage(def, facts),
    checkPlacement(def, facts.nodes),
    checkPlatform(def, platforms, facts.nodes),
    checkPorts(def, facts.live),
  ];
}

/** The first refusal as the error a deploy throws, or undefined when every check passed. */
export function firstRefusal(verdicts: DeployCheckVerdict[]): DomainError | undefined {
  const refused = verdicts.find((v) => !v.ok);
  return refused ? new DomainError(refused.code ?? 'INVALID', refused.message) : undefined;
}
