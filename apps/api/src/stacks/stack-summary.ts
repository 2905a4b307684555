import { loadStack, type StackDefinition } from '@app/catalog';
import type { LiveService, StackPlan, StackServiceSummary } from '@app/swarm';
import type { ImageUpdateFields } from '../images/image-update-state';
import type { StackNetworkDto, StackServiceDto, StackStatus, StackSummaryDto } from './stack.dto';

// How a stack reads on the list and its page: its status from the file and the swarm, its services and networks.

/** The stack's services: those the swarm runs (with their image update) and those the file has that are not deployed. */
export function serviceListOf(
  stackServices: StackServiceSummary[],
  plan: StackPlan | undefined,
  reachable: boolean,
  imageFields: (s: StackServiceSummary) => ImageUpdateFields,
): StackServiceDto[] {
  const fileKeys = new Set(plan?.services.map((s) => s.key) ?? []);
  return [
    ...stackServices.map((s) => ({
      key: s.key,
      name: s.name,
      inFile: fileKeys.has(s.key),
      deployed: true,
      id: s.id,
      image: s.image,
      mode: s.mode,
      replicasDesired: s.replicasDesired,
      replicasRunning: s.replicasRunning,
      status: (s.replicasRunning < s.replicasDesired ? 'degraded' : 'running') as StackServiceDto['status'],
      ...imageFields(s),
    })),
    ...(plan?.services ?? [])
      .filter((p) => !stackServices.some((s) => s.key === p.key))
      .map((p) => ({
        key: p.key,
        name: p.name,
        inFile: true,
        deployed: false,
        image: imageOf(p.spec),
        status: (reachable ? 'not_deployed' : 'unknown') as StackServiceDto['status'],
      })),
  ].sort((a, b) => a.key.localeCompare(b.key));
}

function imageOf(spec: { TaskTemplate?: unknown }): string | undefined {
  return (spec.TaskTemplate as { ContainerSpec?: { Image?: string } } | undefined)?.ContainerSpec?.Image;
}

export function summaryOf(name: string, definition: StackDefinition | undefined, live: LiveService[], reachable: boolean): StackSummaryDto {
  let fileServices: number | undefined;
  if (definition && !definition.error) {
    try {
      fileServices = Object.keys(
        loadStack({ name, compose: definition.compose, variables: definition.variables, files: definition.files }).project.services,
      ).length;
    } catch {
      fileServices = undefined;
    }
  }
  const replicasRunning = live.reduce((n, s) => n + s.replicasRunning, 0);
  const replicasDesired = live.reduce((n, s) => n + s.replicasDesired, 0);
  let status: StackStatus;
  let statusText: string;
  if (definition?.error) [status, statusText] = ['invalid', `invalid: ${definition.error}`];
  else if (!reachable) [status, statusText] = ['unknown', 'unknown: Docker is unreachable'];
  else if (live.length === 0) [status, statusText] = ['not_deployed', 'not deployed'];
  else if (live.some((s) => s.updateStatus?.state === 'updating' || s.updateStatus?.state === 'rollback_started'))
    [status, statusText] = ['updating', `updating: ${replicasRunning} of ${replicasDesired} running`];
  else if (fileServices !== undefined && live.length < fileServices)
    [status, statusText] = [
      'partial',
      `${live.length} of ${fileServices} services deployed, ${replicasRunning} of ${replicasDesired} running`,
    ];
  else if (replicasRunning < replicasDesired) [status, statusText] = ['degraded', `running ${replicasRunning} of ${replicasDesired}`];
  else [status, statusText] = ['running', `running ${replicasRunning} of ${replicasDesired}`];
  return {
    name,
    inCatalog: definition !== undefined,
    deployed: live.length > 0,
    services: fileServices ?? live.length,
    servicesDeployed: live.length,
    replicasRunning,
    replicasDesired,
    status,
    statusText,
    error: definition?.error,
  };
}

export function networksOf(plan: StackPlan): StackNetworkDto[] {
  const attached = (names: string[]) =>
    plan.services
      .filter((s) =>
        ((s.spec.TaskTemplate as { Networks?: { Target?: string }[] } | undefined)?.Networks ?? []).some((n) =>
          names.includes(n.Target ?? ''),
        ),
      )
      .map((s) => s.key);
  return [
    ...plan.networks.map((n) => ({ key: n.key, name: n.name, driver: n.driver, external: false, services: attached([n.name]) })),
    ...plan.externalNetworks.map((n) => ({ key: n.key, name: n.name, external: true, services: attached([n.name]) })),
  ];
}
