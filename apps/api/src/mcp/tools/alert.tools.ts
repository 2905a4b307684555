import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpTool } from '@app/mcp';
import { AlertsService } from '../../alerts/alerts.service';

const alert = z
  .object({ id: z.number(), rule: z.string(), severity: z.string(), state: z.string(), subject: z.string(), message: z.string() })
  .passthrough();

/** Alerts, for agents: the same service GET /api/alerts calls. */
@Injectable()
export class AlertTools {
  constructor(private readonly alerts: AlertsService) {}

  @McpTool({
    name: 'list_alerts',
    description:
      'What is wrong or was: firing alerts (node down, service below its replicas, a task failed with its exit code and reason, a failed deploy, Docker or the registry unreachable) and a page of past alerts, newest first, with mutes in force and whether each alert channel delivers.',
    input: z
      .object({
        state: z
          .enum(['firing', 'resolved'], { errorMap: () => ({ message: 'must be firing or resolved' }) })
          .optional()
          .describe('only firing or only resolved alerts'),
        limit: z.number().int('must be a whole number').min(1).max(500).optional(),
        offset: z.number().int('must be a whole number').min(0).optional(),
      })
      .strict(),
    output: z.object({ active: z.array(alert), total: z.number(), alerts: z.array(alert) }).passthrough(),
    annotations: { title: 'List alerts', readOnlyHint: true },
    role: 'viewer',
  })
  listAlerts({ state, limit, offset }: { state?: 'firing' | 'resolved'; limit?: number; offset?: number }) {
    return this.alerts.listAlerts({ state, limit: limit ?? 50, offset: offset ?? 0 });
  }
}
