import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

/** Alerts (issue 20): what fires, what happened, and where the notices go. There is no alert event: live.ts refreshes these on health, node and task events. */
export const alertKeys = {
  all: ['alerts'] as const,
  list: () => [...alertKeys.all, 'list'] as const,
  history: () => [...alertKeys.all, 'history'] as const,
  channels: () => [...alertKeys.all, 'channels'] as const,
};

export const alertsQuery = () =>
  queryOptions({ queryKey: alertKeys.list(), queryFn: () => unwrap(api.GET('/api/alerts', { params: { query: { limit: 50 } } })) });

export const alertHistoryQuery = () =>
  queryOptions({
    queryKey: alertKeys.history(),
    queryFn: () => unwrap(api.GET('/api/alerts/history', { params: { query: { limit: 50 } } })),
  });

export const channelsQuery = () => queryOptions({ queryKey: alertKeys.channels(), queryFn: () => unwrap(api.GET('/api/alerts/channels')) });

export function useMuteAlert() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, duration }: { id: number; duration: string; subject: string }) =>
      unwrap(api.POST('/api/alerts/{id}/mute', { params: { path: { id } }, body: { duration, scope: 'subject' } })),
    meta: { success: (_m: unknown, { subject, duration }: { subject: string; duration: string }) => `muted ${subject} for ${duration}` },
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useTestChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id }: { id: number; name: string }) => unwrap(api.POST('/api/alerts/channels/{id}/test', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}
