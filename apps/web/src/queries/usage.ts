import { queryOptions } from '@tanstack/vue-query';
import { api, unwrap } from '@/api/client';

/** Resource use and node facts from the node agents; samples arrive every few seconds, so the queries poll. */
export const usageKeys = {
  all: ['usage'] as const,
  agents: () => [...usageKeys.all, 'agents'] as const,
  node: (id: string, range: string) => [...usageKeys.all, 'node', id, range] as const,
  service: (name: string, range: string) => [...usageKeys.all, 'service', name, range] as const,
  top: (by: string) => [...usageKeys.all, 'top', by] as const,
  disk: (id: string) => [...usageKeys.all, 'disk', id] as const,
  images: (id: string) => [...usageKeys.all, 'images', id] as const,
};

const SAMPLE_MS = 3000;

export const agentsQuery = () =>
  queryOptions({ queryKey: usageKeys.agents(), queryFn: () => unwrap(api.GET('/api/agents')), refetchInterval: SAMPLE_MS });

export const nodeUsageQuery = (id: string, range: '1h' | '24h' = '1h') =>
  queryOptions({
    queryKey: usageKeys.node(id, range),
    queryFn: () => unwrap(api.GET('/api/nodes/{id}/usage', { params: { path: { id }, query: { range } } })),
    refetchInterval: SAMPLE_MS,
  });

export const serviceUsageQuery = (name: string, range: '1h' | '24h' = '1h') =>
  queryOptions({
    queryKey: usageKeys.service(name, range),
    queryFn: () => unwrap(api.GET('/api/services/{name}/usage', { params: { path: { name }, query: { range } } })),
    refetchInterval: SAMPLE_MS,
  });

export const topUsageQuery = (by: 'cpu' | 'memory' = 'cpu') =>
  queryOptions({
    queryKey: usageKeys.top(by),
    queryFn: () => unwrap(api.GET('/api/usage/top', { params: { query: { by, limit: 5 } } })),
    refetchInterval: SAMPLE_MS,
  });

export const nodeDiskQuery = (id: string) =>
  queryOptions({
    queryKey: usageKeys.disk(id),
    queryFn: () => unwrap(api.GET('/api/nodes/{id}/disk', { params: { path: { id } } })),
    retry: false,
  });

export const nodeImagesQuery = (id: string) =>
  queryOptions({
    queryKey: usageKeys.images(id),
    queryFn: () => unwrap(api.GET('/api/nodes/{id}/images', { params: { path: { id } } })),
    retry: false,
  });
