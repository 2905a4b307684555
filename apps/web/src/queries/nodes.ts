import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

export const nodeKeys = {
  all: ['nodes'] as const,
  list: () => [...nodeKeys.all, 'list'] as const,
  detail: (id: string) => [...nodeKeys.all, 'detail', id] as const,
  tasks: (id: string) => [...nodeKeys.all, 'tasks', id] as const,
};

export const nodesQuery = () => queryOptions({ queryKey: nodeKeys.list(), queryFn: () => unwrap(api.GET('/api/nodes')) });

export const nodeQuery = (id: string) =>
  queryOptions({ queryKey: nodeKeys.detail(id), queryFn: () => unwrap(api.GET('/api/nodes/{id}', { params: { path: { id } } })) });
export const nodeTasksQuery = (id: string) =>
  queryOptions({ queryKey: nodeKeys.tasks(id), queryFn: () => unwrap(api.GET('/api/nodes/{id}/tasks', { params: { path: { id } } })) });

export function useNodeAvailability() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'drain' | 'activate' }) =>
      action === 'drain'
        ? unwrap(api.POST('/api/nodes/{id}/drain', { params: { path: { id } } }))
        : unwrap(api.POST('/api/nodes/{id}/activate', { params: { path: { id } } })),
    meta: {
      success: (_n: unknown, { action }: { id: string; action: string }) =>
        action === 'drain' ? 'node drained: its tasks move to other nodes' : 'node active again',
    },
    onSettled: () => qc.invalidateQueries({ queryKey: nodeKeys.all }),
  });
}

export function useNodeLabels() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, add, remove }: { id: string; add?: Record<string, string>; remove?: string[] }) =>
      unwrap(api.PUT('/api/nodes/{id}/labels', { params: { path: { id } }, body: { add, remove } })),
    meta: { success: (n: { hostname: string }) => `labels of ${n.hostname} saved` },
    onSettled: () => qc.invalidateQueries({ queryKey: nodeKeys.all }),
  });
}
