import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the catalog knows of a definition besides its spec (which lives in the YAML file). */
@Entity('catalog_entry')
export class CatalogEntryEntity {
  @PrimaryColumn('text') name: string;
  @Column('text') createdAt: string;
  @Column('text') updatedAt: string;
  /** sha256 of the file's text: tells a changed file from an unchanged one. */
  @Column('text') fileHash: string;
  @Column('boolean') valid: boolean;
  @Column('text', { nullable: true }) error: string | null;
  @Column('text', { nullable: true }) lastDeployedAt: string | null;
  /** Hash of the swarm spec last deployed: equal to the current one means nothing to do. */
  @Column('text', { nullable: true }) lastDeployedSpecHash: string | null;
  @Column('text', { nullable: true }) lastDeployedImage: string | null;
  @Column('text', { nullable: true }) lastDeployedDigest: string | null;
}
