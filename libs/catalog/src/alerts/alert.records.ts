import type { AlertChannelEntity, AlertEntity, AlertMuteEntity } from './alert.entities';
import { withoutNulls } from '../database/catalog-database';

export type AlertState = 'firing' | 'resolved';

/** What an alert is about and says: what a notification carries, and the stored alert's core. */
export interface AlertFacts {
  id: number;
  rule: string;
  severity: string;
  state: AlertState;
  subject: string;
  service?: string;
  node?: string;
  message: string;
  details?: Record<string, unknown>;
  startedAt: string;
  firedAt: string;
  resolvedAt?: string;
}

export interface AlertRecord extends AlertFacts {
  key: string;
  mutedBy?: string;
  lastNotifiedAt?: string;
  notifications: number;
}

export type AlertEventKind = 'fired' | 'repeated' | 'resolved' | 'muted' | 'unmuted';

export interface AlertEventRecord {
  id?: number;
  alertId?: number;
  at: string;
  kind: AlertEventKind;
  actor?: string;
  message: string;
}

export interface AlertMute {
  id: number;
  scope: 'global' | 'service' | 'node';
  target?: string;
  rule?: string;
  until: string;
  createdAt: string;
  actor: string;
  reason?: string;
}

export interface AlertChannelRecord {
  id: number;
  name: string;
  type: string;
  enabled: boolean;
  severities: string[];
  rules: string[];
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastSuccessAt?: string;
  lastFailureAt?: string;
  lastError?: string;
  consecutiveFailures: number;
}

/** A deploy or rollback in the deploy history, finished or not. */
export interface DeployOutcome {
  id: number;
  service: string;
  action: string;
  /** in_progress, succeeded, failed or interrupted */
  status: string;
  /** When it finished; when it started while in progress. */
  at: string;
  message?: string;
}

export const json = (text: string | null): any => (text ? JSON.parse(text) : undefined);

export function toAlert(e: AlertEntity): AlertRecord {
  return { ...withoutNulls(e), state: e.state as AlertState, details: json(e.details) };
}

/** Only the facts of an alert (what a notification and an answer carry), not its bookkeeping. */
export function alertFacts(a: AlertFacts): AlertFacts {
  const { id, rule, severity, state, subject, service, node, message, details, startedAt, firedAt, resolvedAt } = a;
  return { id, rule, severity, state, subject, service, node, message, details, startedAt, firedAt, resolvedAt };
}

export function toChannel(e: AlertChannelEntity): AlertChannelRecord {
  return {
    ...withoutNulls(e),
    enabled: !!e.enabled,
    severities: json(e.severities) ?? [],
    rules: json(e.rules) ?? [],
    config: json(e.config) ?? {},
  };
}

export function toMute(e: AlertMuteEntity): AlertMute {
  return { ...withoutNulls(e), scope: e.scope as AlertMute['scope'] };
}
