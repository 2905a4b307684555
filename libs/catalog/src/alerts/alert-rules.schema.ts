import { z } from 'zod';

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_RULE_IDS = [
  'node_down',
  'node_drained',
  'replicas_below',
  'task_failed',
  'deploy_failed',
  'docker_unreachable',
  'registry_unreachable',
] as const;
export type AlertRuleId = (typeof ALERT_RULE_IDS)[number];

export interface AlertRule {
  enabled: boolean;
  severity: AlertSeverity;
  /** Seconds the condition must hold before the alert fires (damping). */
  for: number;
  /** Seconds between repeats while it lasts; 0: never repeat. */
  repeat: number;
  /** task_failed only: seconds without a new failure before the alert resolves. */
  resolveAfter?: number;
}

export type AlertRules = Record<AlertRuleId, AlertRule>;

/** The built-in rules: what `alerts.yaml` starts from; a file only says what differs. */
export const DEFAULT_ALERT_RULES: AlertRules = {
  node_down: { enabled: true, severity: 'critical', for: 0, repeat: 0 },
  node_drained: { enabled: true, severity: 'info', for: 0, repeat: 0 },
  // 30 s: a rolling update briefly runs below its replicas and must not page
  replicas_below: { enabled: true, severity: 'warning', for: 30, repeat: 0 },
  task_failed: { enabled: true, severity: 'critical', for: 0, repeat: 0, resolveAfter: 120 },
  deploy_failed: { enabled: true, severity: 'warning', for: 0, repeat: 0 },
  docker_unreachable: { enabled: true, severity: 'critical', for: 30, repeat: 0 },
  registry_unreachable: { enabled: true, severity: 'warning', for: 30, repeat: 0 },
};

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `"90s"`, `"5m"`, `"1h"`, `"1d"` → seconds; undefined when it is none of those. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/.exec(value);
  return m ? Number(m[1]) * UNITS[m[2] || 's'] : undefined;
}

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const seconds = parseDuration(v);
  if (seconds === undefined || seconds > 30 * 86400) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a duration such as 30, "30s", "5m" or "1h" (at most 30 days)' });
    return z.NEVER;
  }
  return seconds;
});

const ruleSchema = z
  .object({
    enabled: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
    severity: z.enum(ALERT_SEVERITIES, { errorMap: () => ({ message: `must be one of ${ALERT_SEVERITIES.join(', ')}` }) }).optional(),
    for: duration.optional(),
    repeat: duration.optional(),
    resolve_after: duration.optional(),
  })
  .strict();

export const alertRulesFileSchema = z
  .object({
    rules: z
      .object(
        Object.fromEntries(ALERT_RULE_IDS.map((id) => [id, ruleSchema.optional()])) as Record<
          AlertRuleId,
          z.ZodOptional<typeof ruleSchema>
        >,
      )
      .strict()
      .optional(),
  })
  .strict();

/** One thing wrong with a rules file: the key's path (rules.node_down.for) and why. */
export interface AlertRulesProblem {
  path: (string | number)[];
  message: string;
  /** 1-based, when the file's text is known. */
  line?: number;
}

function problemsOf(error: z.ZodError): AlertRulesProblem[] {
  return error.issues.flatMap((i) =>
    i.code === z.ZodIssueCode.unrecognized_keys
      ? i.keys.map((k) => ({ path: [...i.path, k], message: 'unknown key' }))
      : [{ path: i.path, message: i.message }],
  );
}

/** "rules.node_down.severity: must be one of … (line 3); rules.nope: unknown key" */
export function describeProblems(problems: AlertRulesProblem[]): string {
  return problems.map((p) => `${p.path.length ? `${p.path.join('.')}: ` : ''}${p.message}${p.line ? ` (line ${p.line})` : ''}`).join('; ');
}

/** The rules a file (already parsed from YAML) asks for, over the defaults; throws the problems naming each key. */
export function resolveAlertRules(input: unknown): AlertRules {
  const parsed = alertRulesFileSchema.safeParse(input ?? {});
  if (!parsed.success) throw new AlertRulesError(problemsOf(parsed.error));
  const out = structuredClone(DEFAULT_ALERT_RULES);
  for (const id of ALERT_RULE_IDS) {
    const r = parsed.data.rules?.[id];
    if (!r) continue;
    const { resolve_after, ...rest } = r;
    Object.assign(out[id], Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (resolve_after !== undefined) out[id].resolveAfter = resolve_after;
  }
  return out;
}

export class AlertRulesError extends Error {
  constructor(readonly problems: AlertRulesProblem[]) {
    super(describeProblems(problems));
  }
}
