import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

export const registryKeys = {
  all: ['registry'] as const,
  repositories: () => [...registryKeys.all, 'repositories'] as const,
  tags: (repo: string) => [...registryKeys.all, 'tags', repo] as const,
  tag: (repo: string, tag: string) => [...registryKeys.all, 'tag', repo, tag] as const,
};

export const repositoriesQuery = () =>
  queryOptions({ queryKey: registryKeys.repositories(), queryFn: () => unwrap(api.GET('/api/registry/repositories')) });
export const tagsQuery = (repo: string) =>
  queryOptions({
    queryKey: registryKeys.tags(repo),
    queryFn: () => unwrap(api.GET('/api/registry/repositories/{name}/tags', { params: { path: { name: repo } } })),
  });
export const tagQuery = (repo: string, tag: string) =>
  queryOptions({
    queryKey: registryKeys.tag(repo, tag),
    queryFn: () => unwrap(api.GET('/api/registry/repositories/{name}/tags/{tag}', { params: { path: { name: repo, tag } } })),
  });

export function useDeleteTag() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ repo, tag, force }: { repo: string; tag: string; force?: boolean }) =>
      unwrap(api.DELETE('/api/registry/repositories/{name}/tags/{tag}', { params: { path: { name: repo, tag }, query: { force } } })),
    meta: { success: (d: { repository: string; tag: string; note: string }) => `deleted ${d.repository}:${d.tag}. ${d.note}` },
    onSettled: () => qc.invalidateQueries({ queryKey: registryKeys.all }),
  });
}
