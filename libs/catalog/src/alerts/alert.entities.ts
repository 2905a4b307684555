import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One alert: a condition that held long enough to fire, until it resolved. */
@Entity('alert')
@Index(['state', 'id'])
@Index(['key', 'id'])
export class AlertEntity {
  @PrimaryGeneratedColumn() id: number;
  /** What the condition is about, e.g. node_down:<node id>; one firing alert per key. */
  @Column('text') key: string;
  @Column('text') rule: string;
  @Column('text') severity: string;
  /** firing or resolved */
  @Column('text') state: string;
  @Column('text') subject: string;
  @Column('text', { nullable: true }) service: string | null;
  @Column('text', { nullable: true }) node: string | null;
  @Column('text') message: string;
  /** JSON: the facts behind the message (exit code, constraint, replicas…). */
  @Column('text', { nullable: true }) details: string | null;
  /** When the condition began to hold (before `for:`). */
  @Column('text') startedAt: string;
  @Column('text') firedAt: string;
  @Column('text', { nullable: true }) resolvedAt: string | null;
  @Column('text', { nullable: true }) mutedBy: string | null;
  @Column('text', { nullable: true }) lastNotifiedAt: string | null;
  @Column('integer', { default: 0 }) notifications: number;
}

/** The history of an alert and of mutes: fired, repeated, resolved, muted, unmuted. */
@Entity('alert_event')
@Index(['at'])
export class AlertEventEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('integer', { nullable: true }) alertId: number | null;
  @Column('text') at: string;
  @Column('text') kind: string;
  @Column('text', { nullable: true }) actor: string | null;
  @Column('text') message: string;
}

/** A mute: alerts of a service, a node or every alert are not sent until `until`. */
@Entity('alert_mute')
export class AlertMuteEntity {
  @PrimaryGeneratedColumn() id: number;
  /** global, service or node */
  @Column('text') scope: string;
  @Column('text', { nullable: true }) target: string | null;
  @Column('text', { nullable: true }) rule: string | null;
  @Column('text') until: string;
  @Column('text') createdAt: string;
  @Column('text') actor: string;
  @Column('text', { nullable: true }) reason: string | null;
}

/** Where alerts go: a webhook, ntfy, a Slack-compatible webhook or SMTP; `config` holds the secrets. */
@Entity('alert_channel')
export class AlertChannelEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') name: string;
  @Column('text') type: string;
  @Column('boolean') enabled: boolean;
  /** JSON arrays; empty: every severity / every rule. */
  @Column('text') severities: string;
  @Column('text') rules: string;
  /** JSON: url, secret, token, host, port, username, password, from, to, tls. */
  @Column('text') config: string;
  @Column('text') createdAt: string;
  @Column('text') updatedAt: string;
  @Column('text', { nullable: true }) lastSuccessAt: string | null;
  @Column('text', { nullable: true }) lastFailureAt: string | null;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('integer', { default: 0 }) consecutiveFailures: number;
}

export const ALERT_ENTITIES = [AlertEntity, AlertEventEntity, AlertMuteEntity, AlertChannelEntity];
