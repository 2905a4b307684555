import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

export const serviceKeys = {
  all: ['services'] as const,
  list: () => [...serviceKeys.all, 'list'] as const,
  detail: (name: string) => [...serviceKeys.all, 'detail', name] as const,
  history: (name: string) => [...serviceKeys.all, 'history', name] as const,
  live: () => [...serviceKeys.all, 'live'] as const,
};

export const servicesQuery = () => queryOptions({ queryKey: serviceKeys.list(), queryFn: () => unwrap(api.GET('/api/services')) });
export const liveServicesQuery = () => queryOptions({ queryKey: serviceKeys.live(), queryFn: () => unwrap(api.GET('/api/services/live')) });

export const serviceQuery = (name: string) =>
  queryOptions({
    queryKey: serviceKeys.detail(name),
    queryFn: () => unwrap(api.GET('/api/services/{name}', { params: { path: { name } } })),
  });

export const historyQuery = (name: string) =>
  queryOptions({
    queryKey: serviceKeys.history(name),
    queryFn: () => unwrap(api.GET('/api/services/{name}/history', { params: { path: { name } } })),
  });

/** A change to services: refreshes every service query when it settles; `success` is the notice the global toast shows. */
function useInvalidating<A, R>(fn: (a: A) => Promise<R>, success: (result: R, args: A) => string) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, meta: { success }, onSettled: () => qc.invalidateQueries({ queryKey: serviceKeys.all }) });
}

const yaml = (text: string) => ({
  body: text as never,
  bodySerializer: (b: unknown) => b as string,
  headers: { 'content-type': 'application/yaml' },
});

export const useCreateService = () =>
  useInvalidating(
    (text: string) => unwrap(api.POST('/api/services', yaml(text))),
    (s) => `created ${s.name}`,
  );
export const useUpdateService = () =>
  useInvalidating(
    ({ name, text }: { name: string; text: string }) =>
      unwrap(api.PUT('/api/services/{name}', { params: { path: { name } }, ...yaml(text) })),
    (s) => `saved ${s.name}; deploy to apply it`,
  );
export const useDeployService = () =>
  useInvalidating(
    (name: string) => unwrap(api.POST('/api/services/{name}/deploy', { params: { path: { name }, query: { wait: true, timeout: 120 } } })),
    (r) => `${r.name}: ${r.action}${r.convergence ? `, ${r.convergence.message}` : ''}`,
  );
export const useStopService = () =>
  useInvalidating(
    (name: string) => unwrap(api.POST('/api/services/{name}/stop', { params: { path: { name } } })),
    (r) => (r.stopped ? `stopped ${r.name}` : `${r.name} was not deployed`),
  );
export const useScaleService = () =>
  useInvalidating(
    ({ name, replicas }: { name: string; replicas: number }) =>
      unwrap(api.POST('/api/services/{name}/scale', { params: { path: { name } }, body: { replicas } })),
    (_s, { name, replicas }) => `scaling ${name} to ${replicas}`,
  );
export const useRollbackService = () =>
  useInvalidating(
    (name: string) => unwrap(api.POST('/api/services/{name}/rollback', { params: { path: { name } } })),
    (_s, name) => `rolling ${name} back`,
  );
export const useDeleteService = () =>
  useInvalidating(
    ({ name, force }: { name: string; force: boolean }) =>
      unwrap(api.DELETE('/api/services/{name}', { params: { path: { name }, query: { force } } })),
    (_r, { name }) => `deleted ${name}`,
  );
export const useImportCompose = () =>
  useInvalidating(
    (text: string) => unwrap(api.POST('/api/services/import', yaml(text))),
    (r) =>
      `imported ${r.created.length}: ${r.created.join(', ') || 'none'}${r.refused.length ? `; refused ${r.refused.map((x) => `${x.name} (${x.reason})`).join('; ')}` : ''}`,
  );

export const liveTasksQuery = (name: string) =>
  queryOptions({
    queryKey: [...serviceKeys.live(), 'tasks', name] as const,
    queryFn: () => unwrap(api.GET('/api/services/live/{name}/tasks', { params: { path: { name } } })),
  });
