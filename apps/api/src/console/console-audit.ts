import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { AppConfig } from '../config/app-config';
import type { ConsoleTarget } from './console.service';

/** At most this much of what was typed is kept, and only with CONSOLE_AUDIT_KEYSTROKES=true. */
export const MAX_AUDITED_INPUT = 16 * 1024;

/** `web.1 on rog1 (task abc…)`, as the audit log shows it. */
export function describeTarget(t: ConsoleTarget): string {
  const name = t.serviceName ? `${t.serviceName}${t.slot !== undefined ? `.${t.slot}` : ''}` : 'task';
  return `${name} on ${t.nodeHostname} (task ${t.taskId})`;
}

/** What the audit log keeps of console sessions: who opened which, who was refused, and how each ended. */
@Injectable()
export class ConsoleAudit {
  constructor(
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** Whether the session should collect what is typed (CONSOLE_AUDIT_KEYSTROKES). */
  get keepsInput(): boolean {
    return this.config.console.auditKeystrokes;
  }

  /** A token below admin asked for a console. */
  forbidden(principal: Principal, req: FastifyRequest<{ Params: { taskId: string } }>, message: string): void {
    void this.audit.record({
      source: 'rest',
      actor: principal.name,
      role: principal.role,
      action: 'console',
      target: req.params.taskId,
      status: 403,
      outcome: 'error',
      error: message,
      requestId: String(req.id),
    });
  }

  /** The console could not open and its task is not known (gone, not running, bad command). */
  refused(principal: Principal, req: FastifyRequest<{ Params: { taskId: string } }>, command: string[], error: string): void {
    void this.audit.record({
      source: 'rest',
      actor: principal.name,
      role: principal.role,
      action: 'console open',
      target: req.params.taskId,
      params: { taskId: req.params.taskId, command },
      outcome: 'error',
      error,
      requestId: String(req.id),
    });
  }

  opened(principal: Principal, req: FastifyRequest, t: ConsoleTarget, command: string[], startedAt: Date): void {
    void this.audit.record({
      source: 'rest',
      actor: principal.name,
      role: principal.role,
      action: 'console open',
      target: describeTarget(t),
      params: { taskId: t.taskId, service: t.serviceName, slot: t.slot, node: t.nodeHostname, command },
      status: 101,
      outcome: 'ok',
      requestId: String(req.id),
      at: startedAt.toISOString(),
    });
  }

  async ended(
    principal: Principal,
    req: FastifyRequest,
    t: ConsoleTarget,
    session: { command: string[]; startedAt: Date; reason: string; exitCode?: number | null; error?: string; input: string },
  ): Promise<void> {
    const { command, startedAt, reason, exitCode, error, input } = session;
    const endedAt = new Date();
    // not named "keystrokes": the audit masks every parameter whose name says KEY
    const keystrokes = this.keepsInput ? { input: input.slice(0, MAX_AUDITED_INPUT), inputCut: input.length >= MAX_AUDITED_INPUT } : {};
    await this.audit.record({
      source: 'rest',
      actor: principal.name,
      role: principal.role,
      action: 'console session',
      target: describeTarget(t),
      params: {
        taskId: t.taskId,
        service: t.serviceName,
        slot: t.slot,
        node: t.nodeHostname,
        command,
        startedAt: startedAt.toISOString(),
        endedAt: endedAt.toISOString(),
        reason,
        ...(exitCode !== undefined ? { exitCode } : {}),
        ...keystrokes,
      },
      outcome: error ? 'error' : 'ok',
      error,
      requestId: String(req.id),
      durationMs: endedAt.getTime() - startedAt.getTime(),
      at: endedAt.toISOString(),
    });
  }
}
