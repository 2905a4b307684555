import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query';
import { api, unwrap, type Schemas } from '@/api/client';

/** Alerts (issue 20): what fires, what happened, and where the notices go. There is no alert event: live.ts refreshes these on health, node and task events. */
export const alertKeys = {
  all: ['alerts'] as const,
  list: () => [...alertKeys.all, 'list'] as const,
  history: () => [...alertKeys.all, 'history'] as const,
  channels: () => [...alertKeys.all, 'channels'] as const,
  rules: () => [...alertKeys.all, 'rules'] as const,
};

export const alertsQuery = () =>
  queryOptions({ queryKey: alertKeys.list(), queryFn: () => unwrap(api.GET('/api/alerts', { params: { query: { limit: 50 } } })) });

export const alertHistoryQuery = () =>
  queryOptions({
    queryKey: alertKeys.history(),
    queryFn: () => unwrap(api.GET('/api/alerts/history', { params: { query: { limit: 50 } } })),
  });

export const channelsQuery = () => queryOptions({ queryKey: alertKeys.channels(), queryFn: () => unwrap(api.GET('/api/alerts/channels')) });

/** The rules in force and the file: every role reads them, an admin changes them. */
export const rulesQuery = () => queryOptions({ queryKey: alertKeys.rules(), queryFn: () => unwrap(api.GET('/api/alerts/rules')) });

export type RuleChanges = Schemas['PatchAlertRulesDto']['rules'];
export type ChannelInput = Schemas['AlertChannelInputDto'];
export type MuteInput = Schemas['CreateMuteDto'];

export function usePatchRules() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (rules: RuleChanges) => unwrap(api.PATCH('/api/alerts/rules', { body: { rules } })),
    meta: { success: () => 'alert rules saved' },
    onSuccess: (data) => qc.setQueryData(alertKeys.rules(), data),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function usePutRulesFile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (yaml: string) => unwrap(api.PUT('/api/alerts/rules', { body: { yaml } })),
    meta: { success: () => 'alert rules file saved' },
    onSuccess: (data) => qc.setQueryData(alertKeys.rules(), data),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useSaveChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: number; body: ChannelInput }) =>
      unwrap(
        id === undefined
          ? api.POST('/api/alerts/channels', { body })
          : api.PUT('/api/alerts/channels/{id}', { params: { path: { id } }, body }),
      ),
    meta: {
      success: (_c: unknown, { id, body }: { id?: number; body: ChannelInput }) =>
        `channel ${body.name} ${id === undefined ? 'added' : 'saved'}`,
    },
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useDeleteChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id }: { id: number; name: string }) => unwrap(api.DELETE('/api/alerts/channels/{id}', { params: { path: { id } } })),
    meta: { success: (_r: unknown, { name }: { name: string }) => `channel ${name} deleted` },
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useCreateMute() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MuteInput) => unwrap(api.POST('/api/alerts/mutes', { body })),
    meta: {
      success: (_m: unknown, b: MuteInput) =>
        `muted ${b.scope === 'global' ? 'every alert' : b.target}${b.rule ? ` (${b.rule})` : ''} for ${b.duration}`,
    },
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useEndMute() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id }: { id: number; what: string }) => unwrap(api.DELETE('/api/alerts/mutes/{id}', { params: { path: { id } } })),
    meta: { success: (_m: unknown, { what }: { what: string }) => `unmuted ${what}` },
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

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
