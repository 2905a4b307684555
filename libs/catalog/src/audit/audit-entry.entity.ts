import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One mutating call through REST or MCP: who, what, on what, with which (masked) parameters, and how it ended. */
@Entity('audit_entry')
@Index(['at'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') at: string;
  /** rest or mcp */
  @Column('text') source: string;
  /** The token's name (or "local" for the stdio MCP server). */
  @Column('text') actor: string;
  @Column('text') role: string;
  /** `POST /api/services/:name/deploy` or the MCP tool's name */
  @Column('text') action: string;
  @Column('text', { nullable: true }) target: string | null;
  /** JSON, secrets already masked by the caller */
  @Column('text', { nullable: true }) params: string | null;
  /** HTTP status (MCP: 200 or the mapped error status) */
  @Column('integer', { nullable: true }) status: number | null;
  /** ok or error */
  @Column('text') outcome: string;
  @Column('text', { nullable: true }) error: string | null;
  @Column('text', { nullable: true }) requestId: string | null;
  @Column('integer', { nullable: true }) durationMs: number | null;
}
