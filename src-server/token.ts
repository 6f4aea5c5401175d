import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh access token: 32 random bytes, hex. */
export function createToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Whether a presented token equals the expected one, in constant time: both are hashed first,
 * so neither the content nor the length of the expected token leaks through timing.
 */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
