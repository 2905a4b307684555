import { useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';
import type { DeploymentPlan } from '@/queries/plans';
import { serviceKeys } from '@/queries/services';

/* What an operator does to a service made outside the catalog (docker CLI, a stack): scale, remove, import. */

function useLiveMutation<A, R>(fn: (a: A) => Promise<R>, success: (result: R, args: A) => string) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, meta: { success }, onSettled: () => qc.invalidateQueries({ queryKey: serviceKeys.all }) });
}

export const useScaleLiveService = () =>
  useLiveMutation(
    ({ name, replicas }: { name: string; replicas: number }) =>
      unwrap(api.POST('/api/services/live/{name}/scale', { params: { path: { name } }, body: { replicas } })),
    (_s, { name, replicas }) => `scaling ${name} to ${replicas}`,
  );

export const useRemoveLiveService = () =>
  useLiveMutation(
    (name: string) => unwrap(api.DELETE('/api/services/live/{name}', { params: { path: { name } } })),
    (r) => `removed ${r.name} from the swarm`,
  );

export const useImportLiveService = () =>
  useLiveMutation(
    (name: string) => unwrap(api.POST('/api/services/live/{name}/import', { params: { path: { name } } })),
    (r) => `imported ${r.name} into the catalog${r.ignored.length ? `; not in its definition: ${r.ignored.join(', ')}` : ''}`,
  );

// the route declares its normal answer; with dry_run=true it answers a plan instead
export const planRemoveLive = async (name: string) =>
  (await unwrap(
    api.DELETE('/api/services/live/{name}', { params: { path: { name }, query: { dry_run: true } } }),
  )) as unknown as DeploymentPlan;
