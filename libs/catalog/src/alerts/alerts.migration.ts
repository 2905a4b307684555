import { MigrationInterface, QueryRunner } from 'typeorm';

export class Alerts1764000010000 implements MigrationInterface {
  name = 'Alerts1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "alert" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "key" text NOT NULL, "rule" text NOT NULL, "severity" text NOT NULL,
      "state" text NOT NULL, "subject" text NOT NULL, "service" text, "node" text, "message" text NOT NULL, "details" text,
      "startedAt" text NOT NULL, "firedAt" text NOT NULL, "resolvedAt" text, "mutedBy" text, "lastNotifiedAt" text,
      "notifications" integer NOT NULL DEFAULT (0))`);
    await q.query(`CREATE INDEX "IDX_alert_state" ON "alert" ("state", "id")`);
    await q.query(`CREATE INDEX "IDX_alert_key" ON "alert" ("key", "id")`);
    await q.query(`CREATE TABLE "alert_event" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "alertId" integer, "at" text NOT NULL, "kind" text NOT NULL,
      "actor" text, "message" text NOT NULL)`);
    await q.query(`CREATE INDEX "IDX_alert_event_at" ON "alert_event" ("at")`);
    await q.query(`CREATE TABLE "alert_mute" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "scope" text NOT NULL, "target" text, "rule" text, "until" text NOT NULL,
      "createdAt" text NOT NULL, "actor" text NOT NULL, "reason" text)`);
    await q.query(`CREATE TABLE "alert_channel" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" text NOT NULL, "type" text NOT NULL, "enabled" boolean NOT NULL,
      "severities" text NOT NULL, "rules" text NOT NULL, "config" text NOT NULL, "createdAt" text NOT NULL, "updatedAt" text NOT NULL,
      "lastSuccessAt" text, "lastFailureAt" text, "lastError" text, "consecutiveFailures" integer NOT NULL DEFAULT (0))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['alert_channel', 'alert_mute', 'alert_event', 'alert']) await q.query(`DROP TABLE "${t}"`);
  }
}
