import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

/** API tokens and the audit log: what an admin reads and changes. */
export const adminKeys = {
  all: ['admin'] as const,
  tokens: () => [...adminKeys.all, 'tokens'] as const,
  audit: (filter?: AuditFilter) => [...adminKeys.all, 'audit', ...(filter ? [filter] : [])] as const,
};

export const tokensQuery = () => queryOptions({ queryKey: adminKeys.tokens(), queryFn: () => unwrap(api.GET('/api/auth/tokens')) });

export interface AuditFilter {
  q?: string;
  actor?: string;
  action?: string;
  outcome?: 'ok' | 'error';
  limit: number;
  offset: number;
}

/** One page of the audit log, searched and filtered by the server (the whole log, not the newest entries only). */
export const auditQuery = (filter: AuditFilter) =>
  queryOptions({
    queryKey: adminKeys.audit(filter),
    queryFn: () => unwrap(api.GET('/api/audit', { params: { query: filter } })),
    placeholderData: (previous) => previous,
  });

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
