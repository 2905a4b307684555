import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when an Authorization header carries the secret as a bearer token. Both
 * sides are hashed first, so the comparison takes the same time whatever the
 * length or the first wrong byte of the guess.
 */
export function bearerMatches(header: string | undefined, secret: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(m?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(secret).digest();
  return timingSafeEqual(given, expected) && m !== null;
}
