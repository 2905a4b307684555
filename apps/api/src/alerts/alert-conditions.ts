import type { AlertRuleId, AlertRules, DeployOutcome } from '@app/catalog';
import type { TaskSummary } from '@app/swarm';
import type { HealthSnapshot } from '../health/health-snapshot';
import { explainTask } from './task-reason';

/** A condition that holds now; it fires once it has held for its rule's `for:`. */
export interface AlertCondition {
  /** One alert per key at a time, e.g. "task_failed:web": one per crash-looping service, not one per restart. */
  key: string;
  rule: AlertRuleId;
  subject: string;
  service?: string;
  node?: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What the engine knows about a service's tasks (fetched only for services in trouble). */
export interface ServiceTasks {
  tasks: TaskSummary[];
  constraints: string[];
}

export interface ConditionInputs {
  snapshot: HealthSnapshot;
  rules: AlertRules;
  now: number;
  /** By service name; a service missing here has no task facts (yet). */
  tasks: Map<string, ServiceTasks>;
  /** The latest finished deploy or rollback by service. */
  deploys: ReadonlyMap<string, DeployOutcome>;
}

export interface Evaluation {
  conditions: AlertCondition[];
  /**
   * Rules whose inputs are unknown right now (Docker unreachable: the node and
   * service lists are stale): their firing alerts neither fire nor resolve.
   */
  frozen: Set<AlertRuleId>;
}

/** Every condition that holds in `inputs`, for the enabled rules. Pure: the engine owns time and state. */
export function evaluateConditions({ snapshot: s, rules, now, tasks, deploys }: ConditionInputs): Evaluation {
  const out: AlertCondition[] = [];
  const frozen = new Set<AlertRuleId>();
  const on = (rule: AlertRuleId) => rules[rule].enabled;

  if (!s.docker.reachable) {
    for (const r of ['node_down', 'node_drained', 'replicas_below', 'task_failed'] as const) frozen.add(r);
    if (on('docker_unreachable')) {
      out.push({
        key: 'docker_unreachable',
        rule: 'docker_unreachable',
        subject: s.docker.endpoint,
        message: `Docker unreachable at ${s.docker.endpoint}: ${s.docker.error ?? 'no answer'}`,
        details: { endpoint: s.docker.endpoint, error: s.docker.error },
      });
    }
  } else {
    for (const n of s.nodes) {
      if (on('node_down') && !n.ok) {
        out.push({
          key: `node_down:${n.id}`,
          rule: 'node_down',
          subject: n.hostname,
          node: n.hostname,
          message: `node ${n.hostname} is ${n.state}`,
          details: { nodeId: n.id, state: n.state, role: n.role },
        });
      }
      if (on('node_drained') && n.availability === 'drain') {
        out.push({
          key: `node_drained:${n.id}`,
          rule: 'node_drained',
          subject: n.hostname,
          node: n.hostname,
          message: `node ${n.hostname} is drained: it runs no tasks`,
          details: { nodeId: n.id, availability: n.availability },
        });
      }
    }
    for (const svc of s.services) {
      const facts = tasks.get(svc.name);
      if (on('replicas_below') && svc.running < svc.desired) {
        const pending = facts?.tasks.find((t) => t.desiredState === 'running' && t.state === 'pending' && t.error);
        const why = pending ? `: ${explainTask(pending, facts?.constraints).reason}` : '';
        out.push({
          key: `replicas_below:${svc.name}`,
          rule: 'replicas_below',
          subject: svc.name,
          service: svc.name,
          message: `service ${svc.name}: ${svc.running} of ${svc.desired} replicas running${why}`,
          details: { running: svc.running, desired: svc.desired },
        });
      }
      if (on('task_failed') && facts) {
        const failure = latestFailure(facts, now, (rules.task_failed.resolveAfter ?? 120) * 1000);
        if (failure) {
          const { task, count } = failure;
          const explained = explainTask(task, facts.constraints);
          out.push({
            key: `task_failed:${svc.name}`,
            rule: 'task_failed',
            subject: svc.name,
            service: svc.name,
            node: task.nodeHostname,
            message: `service ${svc.name}: ${explained.kind === 'scheduling' ? 'a task' : `${count} task${count === 1 ? '' : 's'} failed recently, the last`} ${explained.reason}`,
            details: {
              reason: explained.reason,
              kind: explained.kind,
              exitCode: explained.exitCode,
              error: explained.error,
              constraints: explained.constraints,
              taskId: task.id,
              node: task.nodeHostname,
              failures: count,
            },
          });
        }
      }
    }
  }
  if (on('registry_unreachable') && s.registry.configured && !s.registry.reachable) {
    out.push({
      key: 'registry_unreachable',
      rule: 'registry_unreachable',
      subject: s.registry.url ?? 'registry',
      message: `registry unreachable at ${s.registry.url}: ${s.registry.error ?? 'no answer'}`,
      details: { url: s.registry.url, error: s.registry.error },
    });
  }
  if (on('deploy_failed')) {
    for (const d of deploys.values()) {
      if (d.status !== 'failed') continue;
      out.push({
        key: `deploy_failed:${d.service}`,
        rule: 'deploy_failed',
        subject: d.service,
        service: d.service,
        message: `${d.action} of ${d.service} failed${d.message ? `: ${d.message}` : ''}`,
        details: { action: d.action, recordId: d.id, at: d.at },
      });
    }
  }
  return { conditions: out, frozen };
}

/**
 * The newest failure still within `windowMs`: a failed or rejected task, or a
 * task the scheduler cannot place (pending with an error, which lasts as long as
 * it stays pending). A crash loop keeps one alert firing; it resolves once no
 * task has failed for the window.
 */
function latestFailure(facts: ServiceTasks, now: number, windowMs: number): { task: TaskSummary; count: number } | undefined {
  let latest: TaskSummary | undefined;
  let latestAt = 0;
  let count = 0;
  for (const t of facts.tasks) {
    const stuck = t.state === 'pending' && t.desiredState === 'running' && !!t.error;
    const failed = t.state === 'failed' || t.state === 'rejected';
    if (!stuck && !failed) continue;
    const at = stuck ? now : Date.parse(t.timestamp ?? t.updatedAt ?? '');
    if (!Number.isFinite(at) || now - at > windowMs) continue;
    count++;
    if (at >= latestAt) {
      latest = t;
      latestAt = at;
    }
  }
  return latest ? { task: latest, count } : undefined;
}
