import type { LiveService, NodeSummary } from '@app/swarm';

export type ClusterStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface NodeHealth {
  id: string;
  hostname: string;
  role: string;
  state: string;
  availability: string;
  ok: boolean;
}

export interface ServiceHealth {
  id: string;
  name: string;
  mode: string;
  desired: number;
  running: number;
  recentFailures: number;
  lastError?: string;
  version: number;
  ok: boolean;
}

export interface HealthSnapshot {
  status: ClusterStatus;
  reasons: string[];
  docker: { reachable: boolean; endpoint: string; error?: string };
  registry: { configured: boolean; reachable: boolean; url?: string; error?: string };
  nodes: NodeHealth[];
  services: ServiceHealth[];
  lastPollAt?: string;
  lastPollDurationMs?: number;
  eventStreamConnected: boolean;
}

export interface PollResult {
  docker: { endpoint: string; error?: string };
  registry: { url?: string; error?: string };
  nodes: NodeSummary[];
  services: LiveService[];
  failures: Map<string, { count: number; lastError?: string }>;
  at: string;
  durationMs: number;
  eventStreamConnected: boolean;
}

/** Failed tasks in the window that make a service "failing repeatedly". */
export const REPEATED_FAILURES = 3;

/** Turns one poll into the snapshot: status and the reasons an operator reads. */
export function buildSnapshot(p: PollResult, previous?: HealthSnapshot): HealthSnapshot {
  const reasons: string[] = [];
  const dockerDown = p.docker.error !== undefined;
  // with Docker unreachable, the last known nodes and services are kept, marked by the reason
  const nodes: NodeHealth[] = dockerDown
    ? (previous?.nodes ?? [])
    : p.nodes.map((n) => ({
        id: n.id,
        hostname: n.hostname,
        role: n.role,
        state: n.state,
        availability: n.availability,
        ok: n.state === 'ready',
      }));
  const services: ServiceHealth[] = dockerDown
    ? (previous?.services ?? [])
    : p.services.map((s) => {
        const f = p.failures.get(s.id);
        return {
          id: s.id,
          name: s.name,
          mode: s.mode,
          desired: s.replicasDesired,
          running: s.replicasRunning,
          recentFailures: f?.count ?? 0,
          lastError: f?.lastError,
          version: s.version,
          ok: s.replicasRunning >= s.replicasDesired && (f?.count ?? 0) < REPEATED_FAILURES,
        };
      });
  let status: ClusterStatus = 'healthy';
  if (dockerDown) {
    status = 'unhealthy';
    reasons.push(`Docker unreachable: ${p.docker.error}`);
  } else {
    for (const n of nodes.filter((x) => !x.ok)) reasons.push(`node ${n.hostname} is ${n.state}`);
    for (const s of services) {
      if (s.running < s.desired) reasons.push(`service ${s.name}: ${s.running} of ${s.desired} replicas running`);
      if (s.recentFailures >= REPEATED_FAILURES)
        reasons.push(`service ${s.name}: ${s.recentFailures} tasks failed recently${s.lastError ? ` (${s.lastError})` : ''}`);
    }
    const managers = nodes.filter((n) => n.role === 'manager');
    if (managers.length && managers.every((n) => !n.ok)) status = 'unhealthy';
    else if (reasons.length) status = 'degraded';
  }
  if (p.registry.error !== undefined && p.registry.url) {
    reasons.push(`registry unreachable: ${p.registry.error}`);
    if (status === 'healthy') status = 'degraded';
  }
  return {
    status,
    reasons,
    docker: { reachable: !dockerDown, endpoint: p.docker.endpoint, error: p.docker.error },
    registry: {
      configured: !!p.registry.url,
      reachable: !!p.registry.url && p.registry.error === undefined,
      url: p.registry.url,
      error: p.registry.error,
    },
    nodes,
    services,
    lastPollAt: p.at,
    lastPollDurationMs: p.durationMs,
    eventStreamConnected: p.eventStreamConnected,
  };
}

export type ChangeType = 'node' | 'service' | 'replicas' | 'task-failure' | 'health' | 'image-update';

export interface ChangeEvent {
  type: ChangeType;
  at: string;
  subject: string;
  action: string;
  data: Record<string, unknown>;
}

/** What changed between two snapshots, as the dashboard and the history want it. */
export function diffSnapshots(prev: HealthSnapshot | undefined, next: HealthSnapshot, at: string): ChangeEvent[] {
  const out: ChangeEvent[] = [];
  if (prev && prev.status !== next.status) {
    out.push({
      type: 'health',
      at,
      subject: 'cluster',
      action: next.status,
      data: { previous: prev.status, status: next.status, reasons: next.reasons },
    });
  }
  if (!prev || !next.docker.reachable) return out;
  const prevNodes = new Map(prev.nodes.map((n) => [n.id, n]));
  for (const n of next.nodes) {
    const p = prevNodes.get(n.id);
    if (!p) out.push({ type: 'node', at, subject: n.hostname, action: 'joined', data: { ...n } });
    else if (p.state !== n.state || p.availability !== n.availability) {
      out.push({
        type: 'node',
        at,
        subject: n.hostname,
        action: p.state !== n.state ? n.state : n.availability,
        data: { ...n, previousState: p.state, previousAvailability: p.availability },
      });
    }
  }
  for (const p of prev.nodes)
    if (!next.nodes.some((n) => n.id === p.id)) out.push({ type: 'node', at, subject: p.hostname, action: 'left', data: { ...p } });
  if (!prev.docker.reachable) return out;
  const prevServices = new Map(prev.services.map((s) => [s.id, s]));
  for (const s of next.services) {
    const p = prevServices.get(s.id);
    if (!p) {
      out.push({ type: 'service', at, subject: s.name, action: 'created', data: { ...s } });
      continue;
    }
    if (p.version !== s.version) out.push({ type: 'service', at, subject: s.name, action: 'updated', data: { ...s } });
    if (p.running !== s.running || p.desired !== s.desired) {
      out.push({
        type: 'replicas',
        at,
        subject: s.name,
        action: 'changed',
        data: { running: s.running, desired: s.desired, previousRunning: p.running, previousDesired: p.desired },
      });
    }
    if (s.recentFailures > p.recentFailures) {
      out.push({
        type: 'task-failure',
        at,
        subject: s.name,
        action: 'failed',
        data: { failures: s.recentFailures, lastError: s.lastError },
      });
    }
  }
  for (const p of prev.services)
    if (!next.services.some((s) => s.id === p.id)) out.push({ type: 'service', at, subject: p.name, action: 'removed', data: { ...p } });
  return out;
}

/** The transitions worth keeping overnight: nodes down/back, services degraded/recovered, Docker/registry lost/back. */
export function transitions(prev: HealthSnapshot | undefined, next: HealthSnapshot, at: string) {
  const out: Array<{
    at: string;
    kind: 'cluster' | 'node' | 'service' | 'docker' | 'registry';
    subject: string;
    status: string;
    previous?: string;
    message: string;
  }> = [];
  if (!prev) return out;
  if (prev.status !== next.status)
    out.push({
      at,
      kind: 'cluster',
      subject: 'cluster',
      status: next.status,
      previous: prev.status,
      message: next.reasons.join('; ') || 'all nodes ready, all services at their desired replicas',
    });
  if (prev.docker.reachable !== next.docker.reachable) {
    out.push({
      at,
      kind: 'docker',
      subject: next.docker.endpoint,
      status: next.docker.reachable ? 'reachable' : 'unreachable',
      message: next.docker.error ?? 'Docker answers again',
    });
  }
  if (next.registry.configured && prev.registry.reachable !== next.registry.reachable) {
    out.push({
      at,
      kind: 'registry',
      subject: next.registry.url ?? '',
      status: next.registry.reachable ? 'reachable' : 'unreachable',
      message: next.registry.error ?? 'the registry answers again',
    });
  }
  if (!next.docker.reachable || !prev.docker.reachable) return out;
  const prevNodes = new Map(prev.nodes.map((n) => [n.id, n]));
  for (const n of next.nodes) {
    const p = prevNodes.get(n.id);
    if (p && p.ok !== n.ok)
      out.push({
        at,
        kind: 'node',
        subject: n.hostname,
        status: n.ok ? 'ready' : n.state,
        previous: p.state,
        message: n.ok ? `node ${n.hostname} is back` : `node ${n.hostname} is ${n.state}`,
      });
  }
  const prevServices = new Map(prev.services.map((s) => [s.id, s]));
  for (const s of next.services) {
    const p = prevServices.get(s.id);
    if (p && p.ok !== s.ok) {
      out.push({
        at,
        kind: 'service',
        subject: s.name,
        status: s.ok ? 'recovered' : 'degraded',
        previous: p.ok ? 'ok' : 'degraded',
        message: `service ${s.name}: ${s.running} of ${s.desired} running${s.recentFailures >= REPEATED_FAILURES ? `, ${s.recentFailures} recent failures` : ''}`,
      });
    }
  }
  return out;
}
