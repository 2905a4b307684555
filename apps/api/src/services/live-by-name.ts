import { DomainError } from '@app/common';
import type { LiveService, ServiceState, SwarmServices } from '@app/swarm';

/** What runs, by name; with Docker unreachable, nothing and `reachable: false`, so the catalog still lists. */
export async function liveByName(services: SwarmServices): Promise<{ reachable: boolean; services: Map<string, LiveService> }> {
  try {
    const live = await services.listLive();
    return { reachable: true, services: new Map(live.map((s) => [s.name, s])) };
  } catch (err) {
    if (err instanceof DomainError && err.code === 'UNAVAILABLE') return { reachable: false, services: new Map() };
    throw err;
  }
}

/** The swarm's service, or undefined when it does not run it. */
export function inspectIfDeployed(services: SwarmServices, name: string): Promise<ServiceState | undefined> {
  return services.inspect(name).catch((err) => {
    if (err instanceof DomainError && err.code === 'NOT_FOUND') return undefined;
    throw err;
  });
}
