import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type DeployStatus = 'in_progress' | 'succeeded' | 'failed' | 'interrupted';
export type DeployAction = 'deploy' | 'scale' | 'stop' | 'rollback';

/** One row per deploy, scale, stop or rollback: the service's history. */
@Entity('deploy_record')
@Index(['service', 'id'])
export class DeployRecordEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') service: string;
  @Column('text') action: DeployAction;
  @Column('text') status: DeployStatus;
  @Column('text') startedAt: string;
  @Column('text', { nullable: true }) finishedAt: string | null;
  @Column('text', { nullable: true }) image: string | null;
  @Column('text', { nullable: true }) imageDigest: string | null;
  @Column('text', { nullable: true }) specHash: string | null;
  /** The swarm spec sent, as JSON, so a rollback or an audit can see exactly what ran. */
  @Column('text', { nullable: true }) spec: string | null;
  @Column('text', { nullable: true }) actor: string | null;
  @Column('text', { nullable: true }) message: string | null;
}
