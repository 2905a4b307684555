import { queryOptions } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

export const healthKeys = {
  all: ['health'] as const,
  snapshot: () => [...healthKeys.all, 'snapshot'] as const,
  history: () => [...healthKeys.all, 'history'] as const,
};

export const healthQuery = () =>
  queryOptions({ queryKey: healthKeys.snapshot(), queryFn: () => unwrap(api.GET('/api/health/detailed')), refetchInterval: 15_000 });
export const healthHistoryQuery = () =>
  queryOptions({
    queryKey: healthKeys.history(),
    queryFn: () => unwrap(api.GET('/api/health/history', { params: { query: { limit: 20 } } })),
  });
