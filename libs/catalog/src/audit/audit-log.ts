import { Injectable } from '@nestjs/common';
import { Brackets } from 'typeorm';
import { CatalogDatabase, withoutNulls } from '../database/catalog-database';
import { AuditEntryEntity } from './audit-entry.entity';

export interface AuditEntry {
  id?: number;
  at: string;
  source: 'rest' | 'mcp';
  actor: string;
  role: string;
  action: string;
  target?: string;
  /** Already masked: the audit log stores what it is given. */
  params?: unknown;
  status?: number;
  outcome: 'ok' | 'error';
  error?: string;
  requestId?: string;
  durationMs?: number;
}

export interface AuditFilter {
  q?: string;
  actor?: string;
  action?: string;
  outcome?: 'ok' | 'error';
}

const MAX_PARAMS_CHARS = 16_000;

function paramsText(params: unknown): string | null {
  if (params === undefined) return null;
  const text = JSON.stringify(params);
  // a pasted compose file can be large; the log keeps the start and says it cut
  return text.length > MAX_PARAMS_CHARS ? JSON.stringify({ truncated: true, start: text.slice(0, MAX_PARAMS_CHARS) }) : text;
}

function parseParams(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The audit trail of mutating calls, in the catalog's SQLite; append-only. */
@Injectable()
export class AuditLog {
  constructor(private readonly db: CatalogDatabase) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.db.run('write the audit log', async () => {
      await (
        await this.db.repository(AuditEntryEntity)
      ).insert({
        at: entry.at,
        source: entry.source,
        actor: entry.actor,
        role: entry.role,
        action: entry.action,
        target: entry.target ?? null,
        params: paramsText(entry.params),
        status: entry.status ?? null,
        outcome: entry.outcome,
        error: entry.error ?? null,
        requestId: entry.requestId ?? null,
        durationMs: entry.durationMs ?? null,
      });
    });
  }

  /**
   * Newest first; `total` counts the entries that match. `q` is a substring of
   * the actor, action, target or error (any case); `actor` is exact; `action` a substring.
   */
  async list(limit = 50, offset = 0, filter: AuditFilter = {}): Promise<{ total: number; entries: AuditEntry[] }> {
    return this.db.run('read the audit log', async () => {
      const query = (await this.db.repository(AuditEntryEntity)).createQueryBuilder('e');
      const like = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      if (filter.q) {
        query.andWhere(
          new Brackets((b) => {
            for (const column of ['actor', 'action', 'target', 'error']) b.orWhere(`lower(e.${column}) LIKE :q ESCAPE '\\'`);
          }),
          { q: like(filter.q) },
        );
      }
      if (filter.outcome) query.andWhere('e.outcome = :outcome', { outcome: filter.outcome });
      if (filter.actor) query.andWhere('e.actor = :actor', { actor: filter.actor });
      if (filter.action) query.andWhere(`lower(e.action) LIKE :action ESCAPE '\\'`, { action: like(filter.action) });
      const [rows, total] = await query.orderBy('e.id', 'DESC').take(limit).skip(offset).getManyAndCount();
      return {
        total,
        entries: rows.map((r) => ({
          ...withoutNulls(r),
          source: r.source as AuditEntry['source'],
          outcome: r.outcome as AuditEntry['outcome'],
          params: parseParams(r.params),
        })),
      };
    });
  }
}
