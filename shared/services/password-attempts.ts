/** Password checks with their attempt counted first; sign-in and re-authentication share the counters. */
import { verifyPassword } from '../crypto/passwords.ts';
import { loginAttempts } from '../db/login-attempts.ts';
import { REFUSED } from '../domain/sign-in.ts';
import { RateLimited } from '../errors.ts';

/**
 * Checks `password` against the stored hash (none: a dummy, for the same work). The attempt is
 * counted before bcrypt runs: a refused one is a 429 that checks nothing; a wrong password stays
 * counted; a right one gives its attempt back.
 */
export async function checkPassword(subject: string, sourceIp: string, password: string, storedHash: Promise<string | undefined>): Promise<boolean> {
  const [hash, claim] = await Promise.all([storedHash, loginAttempts.claim(subject, sourceIp)]);
  if ('refused' in claim) throw new RateLimited(REFUSED[claim.refused], undefined, claim.retryAfter);
  const matches = await verifyPassword(password, hash);
  if (matches) await loginAttempts.giveBack(claim);
  return matches;
}
