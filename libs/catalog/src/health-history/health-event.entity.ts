import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One health transition: a node down or back, a service degraded or recovered, Docker or the registry lost or back. */
@Entity('health_event')
@Index(['at'])
export class HealthEventEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') at: string;
  /** cluster, node, service, docker or registry */
  @Column('text') kind: string;
  @Column('text') subject: string;
  @Column('text') status: string;
  @Column('text', { nullable: true }) previous: string | null;
  @Column('text') message: string;
}
