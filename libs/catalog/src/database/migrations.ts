import { MigrationInterface, QueryRunner } from 'typeorm';
import { Alerts1764000010000 } from '../alerts/alerts.migration';

export class InitialCatalog1764000000000 implements MigrationInterface {
  name = 'InitialCatalog1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "catalog_entry" (
      "name" text PRIMARY KEY NOT NULL, "createdAt" text NOT NULL, "updatedAt" text NOT NULL,
      "fileHash" text NOT NULL, "valid" boolean NOT NULL, "error" text,
      "lastDeployedAt" text, "lastDeployedSpecHash" text, "lastDeployedImage" text, "lastDeployedDigest" text)`);
    await q.query(`CREATE TABLE "deploy_record" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "service" text NOT NULL, "action" text NOT NULL, "status" text NOT NULL,
      "startedAt" text NOT NULL, "finishedAt" text, "image" text, "imageDigest" text, "specHash" text, "spec" text,
      "actor" text, "message" text)`);
    await q.query(`CREATE INDEX "IDX_deploy_record_service" ON "deploy_record" ("service", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "deploy_record"`);
    await q.query(`DROP TABLE "catalog_entry"`);
  }
}

export class HealthHistory1764000001000 implements MigrationInterface {
  name = 'HealthHistory1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "health_event" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" text NOT NULL, "kind" text NOT NULL, "subject" text NOT NULL,
      "status" text NOT NULL, "previous" text, "message" text NOT NULL)`);
    await q.query(`CREATE INDEX "IDX_health_event_at" ON "health_event" ("at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "health_event"`);
  }
}

export class AuthAndAudit1764000002000 implements MigrationInterface {
  name = 'AuthAndAudit1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_token" (
      "id" text PRIMARY KEY NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "hash" text NOT NULL,
      "createdAt" text NOT NULL, "expiresAt" text, "revokedAt" text, "lastUsedAt" text)`);
    await q.query(`CREATE UNIQUE INDEX "IDX_api_token_hash" ON "api_token" ("hash")`);
    await q.query(`CREATE TABLE "audit_entry" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" text NOT NULL, "source" text NOT NULL, "actor" text NOT NULL,
      "role" text NOT NULL, "action" text NOT NULL, "target" text, "params" text, "status" integer, "outcome" text NOT NULL,
      "error" text, "requestId" text, "durationMs" integer)`);
    await q.query(`CREATE INDEX "IDX_audit_entry_at" ON "audit_entry" ("at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_entry"`);
    await q.query(`DROP TABLE "api_token"`);
  }
}

/** Every migration, in order. Add a table: append its entity to ENTITIES and its migration here. */
export const MIGRATIONS = [InitialCatalog1764000000000, HealthHistory1764000001000, AuthAndAudit1764000002000, Alerts1764000010000];
