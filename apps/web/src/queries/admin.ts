import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

/** API tokens and the audit log: what an admin reads and changes. */
export const adminKeys = {
  all: ['admin'] as const,
  tokens: () => [...adminKeys.all, 'tokens'] as const,
  audit: () => [...adminKeys.all, 'audit'] as const,
};

export const tokensQuery = () => queryOptions({ queryKey: adminKeys.tokens(), queryFn: () => unwrap(api.GET('/api/auth/tokens')) });

/** The newest 500 entries (the route's most): searched in the page, the log has no search of its own. */
export const auditQuery = () =>
  queryOptions({ queryKey: adminKeys.audit(), queryFn: () => unwrap(api.GET('/api/audit', { params: { query: { limit: 500 } } })) });

export function useIssueToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; role: 'viewer' | 'operator' | 'admin'; expiresAt?: string }) =>
      unwrap(api.POST('/api/auth/tokens', { body })),
    meta: { success: (t: { name: string }) => `issued the token ${t.name}: copy it now, it is shown once` },
    onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id }: { id: string; name: string }) => unwrap(api.DELETE('/api/auth/tokens/{id}', { params: { path: { id } } })),
    meta: { success: (_r: unknown, { name }: { name: string }) => `revoked the token ${name}` },
    onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.all }),
  });
}
