import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'so_';
/** Longer than any token we issue or anyone would set: such a header is refused without hashing it. */
export const MAX_TOKEN_LENGTH = 512;

/** A new token: the prefix (so a leaked one is recognisable in a scan) and 32 random bytes, base64url. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The hex SHA-256 of a token: the only form a token is stored in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Whether `token` is the one whose hash is `hash`, compared in constant time. */
export function tokenMatches(token: string, hash: string): boolean {
  return hashesEqual(hashToken(token), hash);
}
