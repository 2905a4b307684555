import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApiTokenRecord, ApiTokenStore } from '@app/catalog';
import { DomainError } from '@app/common';
import { AppConfig } from '../config/app-config';
import type { Principal } from './principal';
import { isRole, Role } from './roles';
import { generateToken, hashesEqual, hashToken, MAX_TOKEN_LENGTH } from './token-hash';

export const ADMIN_TOKEN_FILE = 'admin-token';
const ENV_ADMIN_NAME = 'ADMIN_TOKEN';
/** lastUsedAt is a hint for the token list, not an access log: write it at most this often. */
const TOUCH_EVERY_MS = 60_000;

/** Why a token was refused; the message is what the caller reads in the 401. */
export class TokenRefused extends Error {}

/**
 * API tokens: issued at random and shown once, stored as SHA-256 hashes,
 * compared in constant time, optionally expiring, revocable. On first start
 * without an admin token (and without ADMIN_TOKEN) it issues one into
 * DATA_DIR/admin-token (mode 0600) and logs it once.
 */
@Injectable()
export class TokenService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  private readonly envAdminHash?: string;

  constructor(
    private readonly store: ApiTokenStore,
    private readonly config: AppConfig,
  ) {
    if (config.auth.adminToken) this.envAdminHash = hashToken(config.auth.adminToken);
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.ensureAdminToken();
    } catch (err) {
      this.logger.error(`could not check for an admin token: ${(err as Error).message}; set ADMIN_TOKEN or fix DATA_DIR`);
    }
  }

  /** Issues the first admin token when none is usable and ADMIN_TOKEN is unset; returns its file, if it wrote one. */
  async ensureAdminToken(): Promise<string | undefined> {
    if (this.envAdminHash) {
      this.logger.log('admin token set by ADMIN_TOKEN');
      return undefined;
    }
    if (await this.store.hasActiveAdmin()) return undefined;
    const { token } = await this.create({ name: 'admin', role: 'admin' });
    mkdirSync(this.config.dataDir, { recursive: true });
    const file = join(this.config.dataDir, ADMIN_TOKEN_FILE);
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // an existing file keeps its mode on write
    this.logger.warn(`no admin token yet: issued one (shown once, also in ${file}, mode 0600): ${token}`);
    return file;
  }

  async create(input: { name: string; role: Role; expiresAt?: Date }): Promise<{ record: ApiTokenRecord; token: string }> {
    const now = new Date();
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
      throw new DomainError('INVALID', `expiresAt ${input.expiresAt.toISOString()} is in the past`);
    }
    const active = (await this.store.list()).filter((t) => isUsable(t, now));
    if (active.some((t) => t.name === input.name)) {
      throw new DomainError('CONFLICT', `a usable token named "${input.name}" exists; revoke it or choose another name (the audit log tells tokens apart by name)`);
    }
    const token = generateToken();
    const record = await this.store.insert({
      id: randomUUID(),
      name: input.name,
      role: input.role,
      hash: hashToken(token),
      createdAt: now.toISOString(),
      expiresAt: input.expiresAt?.toISOString(),
    });
    return { record, token };
  }

  list(): Promise<ApiTokenRecord[]> {
    return this.store.list();
  }

  revoke(id: string): Promise<ApiTokenRecord> {
    return this.store.revoke(id);
  }

  /** The caller a token stands for; throws TokenRefused with the reason. */
  async verify(token: string, now = new Date()): Promise<Principal> {
    if (!token || token.length > MAX_TOKEN_LENGTH) throw new TokenRefused('invalid token');
    const hash = hashToken(token);
    if (this.envAdminHash && hashesEqual(hash, this.envAdminHash)) return { name: ENV_ADMIN_NAME, role: 'admin' };
    const record = await this.store.findByHash(hash);
    // the lookup is by hash (an index); compare again in constant time so no path depends on a byte-wise compare
    if (!record || !hashesEqual(hash, record.hash) || !isRole(record.role)) throw new TokenRefused('invalid token');
    if (record.revokedAt) throw new TokenRefused(`token "${record.name}" was revoked at ${record.revokedAt}`);
    if (record.expiresAt && record.expiresAt <= now.toISOString()) throw new TokenRefused(`token "${record.name}" expired at ${record.expiresAt}`);
    if (!record.lastUsedAt || now.getTime() - Date.parse(record.lastUsedAt) > TOUCH_EVERY_MS) {
      void this.store.touch(record.id, now).catch(() => undefined);
    }
    return { name: record.name, role: record.role, tokenId: record.id, expiresAt: record.expiresAt };
  }
}

function isUsable(t: ApiTokenRecord, now: Date): boolean {
  return !t.revokedAt && (!t.expiresAt || t.expiresAt > now.toISOString());
}
