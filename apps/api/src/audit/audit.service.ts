import { Injectable, Logger } from '@nestjs/common';
import { AuditEntry, AuditFilter, AuditLog } from '@app/catalog';
import { maskSecrets } from '../common/mask-secrets';

export type AuditInput = Omit<AuditEntry, 'at' | 'params'> & { at?: string; params?: unknown };

/**
 * Writes the audit trail of mutating calls (REST and MCP). Parameters are
 * masked here, once, whoever records. A failed write is logged and never
 * fails the call it describes.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(private readonly log: AuditLog) {}

  async record(input: AuditInput): Promise<void> {
    const entry: AuditEntry = {
      ...input,
      at: input.at ?? new Date().toISOString(),
      params: input.params === undefined ? undefined : maskSecrets(input.params),
    };
    try {
      await this.log.append(entry);
    } catch (err) {
      this.logger.error({ entry: { ...entry, params: undefined } }, `audit entry not written: ${(err as Error).message}`);
    }
  }

  list(limit: number, offset: number, filter: AuditFilter = {}) {
    return this.log.list(limit, offset, filter);
  }
}
