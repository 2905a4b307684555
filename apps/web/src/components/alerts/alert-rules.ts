import type { Schemas } from '@/api/client';

export type AlertRuleId = keyof Schemas['AlertRulesDto']['rules'];

/** The built-in alert rules in the order the page lists them, with what each watches. */
export const ALERT_RULES: ReadonlyArray<{ id: AlertRuleId; what: string }> = [
  { id: 'node_down', what: 'a node is down, unknown or disconnected' },
  { id: 'node_drained', what: 'a node is drained' },
  { id: 'replicas_below', what: 'a service runs fewer replicas than desired' },
  { id: 'task_failed', what: 'a task failed, was rejected or cannot be scheduled' },
  { id: 'deploy_failed', what: 'the latest deploy or rollback of a service failed' },
  { id: 'docker_unreachable', what: 'the Docker Engine does not answer' },
  { id: 'registry_unreachable', what: 'the configured registry does not answer' },
];

export const ALERT_RULE_IDS = ALERT_RULES.map((r) => r.id);
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
