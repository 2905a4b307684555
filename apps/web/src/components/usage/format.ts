import { formatBytes } from '@/lib/status';

export const formatCpu = (v: number): string => `${v.toFixed(v >= 10 ? 0 : 1)} %`;
export const formatMem = (v: number): string => formatBytes(v);
