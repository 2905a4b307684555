import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApiTokenRecord, ApiTokenStore } from '@app/catalog';
import { DomainError } from '@app/common';
import { AppConfig } from '../config/app-config';
import type { AccessEnd, Principal } from './principal';
import { isRole, Role } from './roles';
import { generateToken, hashesEqual, hashToken, MAX_TOKEN_LENGTH } from './token-hash';

export const ADMIN_TOKEN_FILE = 'admin-token';
const ENV_ADMIN_NAME = 'ADMIN_TOKEN';
/** lastUsedAt is a hint for the token list, not an access log: write it at most this often. */
const TOUCH_EVERY_MS = 60_000;
/**
 * How often open streams re-read their tokens. A revoke through this process
 * ends them at once; this catches a revoke by another instance on the same
 * database (or a changed expiry) within the interval.
 */
export const ACCESS_RECHECK_MS = 2_000;
/** setTimeout's longest delay; a later expiry is left to the re-check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a token was refused; the message is what the caller reads in the 401. */
export class TokenRefused extends Error {}

/**
 * API tokens: issued at random and shown once, stored as SHA-256 hashes,
 * compared in constant time, optionally expiring, revocable. On first start
 * without an admin token (and without ADMIN_TOKEN) it issues one into
 * DATA_DIR/admin-token (mode 0600) and logs it once.
 */
@Injectable()
export class TokenService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  private readonly envAdminHash?: string;
  /** The open streams' listeners, by token id. */
  private readonly watchers = new Map<string, Set<(reason: AccessEnd) => void>>();
  private recheckTimer?: NodeJS.Timeout;

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
      throw new DomainError(
        'CONFLICT',
        `a usable token named "${input.name}" exists; revoke it or choose another name (the audit log tells tokens apart by name)`,
      );
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

  async revoke(id: string): Promise<ApiTokenRecord> {
    const record = await this.store.revoke(id);
    this.endAccess(id, 'token revoked');
    return record;
  }

  onModuleDestroy(): void {
    clearInterval(this.recheckTimer);
    this.watchers.clear();
  }

  /**
   * Calls `onEnd` once when the principal's token is revoked (at once through
   * revoke(), within ACCESS_RECHECK_MS otherwise) or expires (at its expiry);
   * returns the function that stops watching. The ADMIN_TOKEN principal has no
   * record and never ends.
   */
  watch(principal: Principal, onEnd: (reason: AccessEnd) => void): () => void {
    const id = principal.tokenId;
    if (!id) return () => undefined;
    let expiry: NodeJS.Timeout | undefined;
    const listener = (reason: AccessEnd) => {
      stop();
      onEnd(reason);
    };
    const stop = () => {
      clearTimeout(expiry);
      const set = this.watchers.get(id);
      set?.delete(listener);
      if (set?.size === 0) this.watchers.delete(id);
      if (this.watchers.size === 0) {
        clearInterval(this.recheckTimer);
        this.recheckTimer = undefined;
      }
    };
    if (!this.watchers.has(id)) this.watchers.set(id, new Set());
    this.watchers.get(id)!.add(listener);
    if (principal.expiresAt) {
      const left = Date.parse(principal.expiresAt) - Date.now();
      if (left <= MAX_TIMER_MS) expiry = setTimeout(() => listener('token expired'), Math.max(0, left)).unref();
    }
    this.recheckTimer ??= setInterval(() => void this.recheckWatched(), ACCESS_RECHECK_MS).unref();
    return stop;
  }

  private async recheckWatched(): Promise<void> {
    // the database unreachable is no reason to cut anyone off: try again next time
    const records = await this.store.list().catch(() => undefined);
    if (!records) return;
    const now = new Date().toISOString();
    for (const id of [...this.watchers.keys()]) {
      const record = records.find((r) => r.id === id);
      if (!record || record.revokedAt) this.endAccess(id, 'token revoked');
      else if (record.expiresAt && record.expiresAt <= now) this.endAccess(id, 'token expired');
    }
  }

  private endAccess(id: string, reason: AccessEnd): void {
    for (const listener of [...(this.watchers.get(id) ?? [])]) listener(reason);
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
    if (record.expiresAt && record.expiresAt <= now.toISOString())
      throw new TokenRefused(`token "${record.name}" expired at ${record.expiresAt}`);
    if (!record.lastUsedAt || now.getTime() - Date.parse(record.lastUsedAt) > TOUCH_EVERY_MS) {
      void this.store.touch(record.id, now).catch(() => undefined);
    }
    return { name: record.name, role: record.role, tokenId: record.id, expiresAt: record.expiresAt };
  }
}

function isUsable(t: ApiTokenRecord, now: Date): boolean {
  return !t.revokedAt && (!t.expiresAt || t.expiresAt > now.toISOString());
}
