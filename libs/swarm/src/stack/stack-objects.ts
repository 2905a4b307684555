import { DomainError } from '@app/common';
import { DockerClient } from '../docker.client';
import type { EngineService } from '../engine.types';
import type { ServiceSpec } from '../service-spec.types';
import type { ComposeProject } from './compose-project';
import { asRequestFault } from './stack-errors';
import {
  STACK_NAMESPACE_LABEL,
  type StackDeployOptions,
  type StackDeployResult,
  type StackObjectPlan,
  type StackPlan,
  containerSpecOf,
} from './stack.types';

/* The Engine's answers, as far as the stack code reads them. */
export interface EngineObject {
  ID: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}
export interface EngineNetwork {
  Id: string;
  Name: string;
  Scope?: string;
  Labels?: Record<string, string>;
}

/** The label filter of a stack's objects; without a stack, of every stack's. */
export const nsFilter = (stack?: string) =>
  JSON.stringify({ label: [stack === undefined ? STACK_NAMESPACE_LABEL : `${STACK_NAMESPACE_LABEL}=${stack}`] });

/**
 * A stack's networks, configs and secrets on the swarm: the external ones
 * checked, the stack's own created (configs and secrets named by content, so
 * never changed in place), the unused ones removed.
 */
export class StackObjects {
  constructor(private readonly docker: DockerClient) {}

  async checkExternalNetworks(plan: StackPlan): Promise<void> {
    for (const { key, name } of plan.externalNetworks) {
      if (['host', 'bridge', 'none', 'ingress'].includes(name)) continue;
      let network: EngineNetwork;
      try {
        network = await this.docker.run(`network "${name}"`, (d) => d.getNetwork(name).inspect());
      } catch (err) {
        if (err instanceof DomainError && err.code === 'NOT_FOUND') {
          throw new DomainError(
            'INVALID',
            `networks.${key}: network "${name}" is declared as external, but could not be found; create a swarm-scoped network first`,
            { key: `networks.${key}` },
          );
        }
        throw err;
      }
      if (network.Scope !== 'swarm') {
        throw new DomainError(
          'INVALID',
          `networks.${key}: network "${name}" is declared as external, but its scope is "${network.Scope}" instead of "swarm"`,
          { key: `networks.${key}` },
        );
      }
    }
  }

  /** External configs and secrets must exist: their ids, by kind and name. */
  async resolveExternalObjects(project: ComposeProject, plan: StackPlan): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const kind of ['configs', 'secrets'] as const) {
      const external = Object.entries(project[kind] ?? {}).filter(([key]) => !plan[kind].some((o) => o.key === key));
      if (external.length === 0) continue;
      const all: EngineObject[] = await this.docker.run(kind, async (d): Promise<EngineObject[]> =>
        kind === 'configs' ? d.listConfigs() : d.listSecrets(),
      );
      for (const [key, o] of external) {
        const name = o.name ?? (typeof o.external === 'object' ? o.external.name : undefined) ?? key;
        const found = all.find((x) => x.Spec?.Name === name);
        if (!found)
          throw new DomainError(
            'INVALID',
            `${kind}.${key}: ${kind.slice(0, -1)} "${name}" is declared as external, but could not be found`,
            { key: `${kind}.${key}` },
          );
        ids.set(`${kind}/${name}`, found.ID);
      }
    }
    return ids;
  }

  async createNetworks(plan: StackPlan, result: StackDeployResult, emit: NonNullable<StackDeployOptions['onEvent']>): Promise<void> {
    if (plan.networks.length === 0) return;
    const existing: EngineNetwork[] = await this.docker.run('networks', (d) => d.listNetworks());
    for (const n of plan.networks) {
      // the stack's own networks by name within its namespace; one named by the file (`name:`) by name anywhere
      const found = existing.find(
        (e) => e.Name === n.name && (e.Labels?.[STACK_NAMESPACE_LABEL] === plan.stack || n.name !== `${plan.stack}_${n.key}`),
      );
      if (found) {
        emit({ kind: 'network', name: n.name, action: 'exists' });
        continue;
      }
      try {
        await this.docker.run(`network "${n.name}"`, (d) =>
          d.createNetwork({
            Name: n.name,
            Driver: n.driver,
            Labels: n.labels,
            Internal: n.internal,
            Attachable: n.attachable,
            CheckDuplicate: true,
            ...(n.options ? { Options: n.options } : {}),
            ...(n.ipam ? { IPAM: n.ipam } : {}),
          }),
        );
      } catch (err) {
        throw asRequestFault(err, `networks.${n.key}`);
      }
      result.createdNetworks.push(n.name);
      emit({ kind: 'network', name: n.name, action: 'created' });
    }
  }

  async ensureObject(obj: StackObjectPlan): Promise<{ id: string; created: boolean }> {
    const kind = obj.kind === 'configs' ? 'config' : 'secret';
    const list = async (): Promise<EngineObject[]> =>
      this.docker.run(`${kind} "${obj.name}"`, async (d): Promise<EngineObject[]> =>
        obj.kind === 'configs'
          ? d.listConfigs({ filters: JSON.stringify({ name: [obj.name] }) })
          : d.listSecrets({ filters: JSON.stringify({ name: [obj.name] }) }),
      );
    const found = (await list()).find((o) => o.Spec?.Name === obj.name);
    // a hash-named object with this name has these bytes. One the file names (`name:`) cannot change
    // either: a config shows its bytes, so a changed one is refused rather than silently kept
    // (a secret's bytes are never shown: it is used as it is, as the CLI's label-only update would)
    const data = (found?.Spec as { Data?: string } | undefined)?.Data;
    if (found && obj.kind === 'configs' && data !== undefined && !obj.driver && Buffer.from(data, 'base64').compare(obj.data) !== 0) {
      throw new DomainError(
        'INVALID',
        `configs.${obj.key}: config "${obj.name}" exists with other content and configs are immutable; drop \`name:\` to let the stack version it, or give it a new name`,
        { key: `configs.${obj.key}` },
      );
    }
    if (found) return { id: found.ID, created: false };
    const body = {
      Name: obj.name,
      Labels: obj.labels,
      Data: obj.data.toString('base64'),
      ...(obj.templating ? { Templating: obj.templating } : {}),
      ...(obj.driver ? { Driver: obj.driver } : {}),
    };
    try {
      const res: { id?: string; ID?: string } = await this.docker.run(`${kind} "${obj.name}"`, (d) =>
        obj.kind === 'configs' ? d.createConfig(body) : d.createSecret(body),
      );
      return { id: res.id ?? res.ID ?? '', created: true };
    } catch (err) {
      throw asRequestFault(err, `${obj.kind}.${obj.key}`);
    }
  }

  /** Configs and secrets of the namespace that no service of the swarm refers to any more. */
  async removeUnusedObjects(stack: string): Promise<string[]> {
    const filters = nsFilter(stack);
    const [services, configs, secrets] = await Promise.all([
      this.docker.run('services', (d) => d.listServices()) as Promise<unknown> as Promise<EngineService[]>,
      this.docker.run(`configs of stack "${stack}"`, (d) => d.listConfigs({ filters })) as Promise<EngineObject[]>,
      this.docker.run(`secrets of stack "${stack}"`, (d) => d.listSecrets({ filters })) as Promise<EngineObject[]>,
    ]);
    const used = new Set<string>();
    for (const s of services) {
      const c = containerSpecOf(s.Spec) as { Configs?: { ConfigID?: string }[]; Secrets?: { SecretID?: string }[] } | undefined;
      c?.Configs?.forEach((r) => r.ConfigID && used.add(r.ConfigID));
      c?.Secrets?.forEach((r) => r.SecretID && used.add(r.SecretID));
    }
    const removed: string[] = [];
    for (const [kind, objects] of [
      ['config', configs],
      ['secret', secrets],
    ] as const) {
      for (const o of objects.filter((x) => !used.has(x.ID))) {
        try {
          await this.docker.run(`${kind} "${o.Spec?.Name}"`, (d) =>
            kind === 'config' ? d.getConfig(o.ID).remove() : d.getSecret(o.ID).remove(),
          );
          removed.push(`${kind} ${o.Spec?.Name ?? o.ID}`);
        } catch (err) {
          // still held by a task on its way out: the next deploy removes it
          if (!(err instanceof DomainError) || (err.code !== 'INVALID' && err.code !== 'CONFLICT' && err.code !== 'NOT_FOUND')) throw err;
        }
      }
    }
    return removed;
  }

  /**
   * Removes one object, waiting while it is still in use by tasks on their
   * way out. False when it was already gone (an older Engine answers a
   * network being removed with a 500 "not found").
   */
  async removeOnce(remove: () => Promise<unknown>, timeoutMs = 30_000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        await remove();
        return true;
      } catch (err) {
        if (err instanceof DomainError && (err.code === 'NOT_FOUND' || (engineStatusOf(err) === 500 && /\bnot found\b/i.test(err.message))))
          return false;
        const inUse = err instanceof DomainError && /in use|has active endpoints/i.test(err.message);
        if (!inUse || Date.now() > end) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

const engineStatusOf = (err: DomainError): number | undefined => (err.cause as { statusCode?: number } | undefined)?.statusCode;

/** The spec with each config/secret reference's id filled in from the objects just created or found. */
export function withObjectIds(spec: ServiceSpec, ids: Map<string, string>): ServiceSpec {
  const next = structuredClone(spec);
  const c = containerSpecOf(next) as
    { Configs?: { ConfigName?: string; ConfigID?: string }[]; Secrets?: { SecretName?: string; SecretID?: string }[] } | undefined;
  c?.Configs?.forEach((r) => (r.ConfigID = ids.get(`configs/${r.ConfigName}`) ?? ''));
  c?.Secrets?.forEach((r) => (r.SecretID = ids.get(`secrets/${r.SecretName}`) ?? ''));
  return next;
}
