import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An API token: only its SHA-256 hash is kept; the token itself is shown once. */
@Entity('api_token')
export class ApiTokenEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') name: string;
  /** viewer, operator or admin */
  @Column('text') role: string;
  @Index({ unique: true })
  @Column('text')
  hash: string;
  @Column('text') createdAt: string;
  @Column('text', { nullable: true }) expiresAt: string | null;
  @Column('text', { nullable: true }) revokedAt: string | null;
  @Column('text', { nullable: true }) lastUsedAt: string | null;
}
