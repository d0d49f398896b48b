/** Password and code checks with their attempt counted first; sign-in, second factors and step-up share the counters. */
import { verifyPassword } from '../crypto/passwords.ts';
import { loginAttempts } from '../db/login-attempts.ts';
import { REFUSED } from '../domain/sign-in.ts';
import { RateLimited } from '../errors.ts';

/**
 * Runs `check` with its attempt counted before it: a refused attempt is a 429 that checks nothing; a
 * failed check stays counted; a passed one gives its attempt back. `before` runs alongside the claim.
 */
export async function countedCheck<T>(subject: string, sourceIp: string, before: Promise<T>, check: (value: T) => Promise<boolean>): Promise<boolean> {
  const [value, claim] = await Promise.all([before, loginAttempts.claim(subject, sourceIp)]);
  if ('refused' in claim) throw new RateLimited(REFUSED[claim.refused], undefined, claim.retryAfter);
  const passed = await check(value);
  if (passed) await loginAttempts.giveBack(claim);
  return passed;
}

/** Checks `password` against the stored hash (none: a dummy, for the same work), counted as above. */
export const checkPassword = (subject: string, sourceIp: string, password: string, storedHash: Promise<string | undefined>): Promise<boolean> =>
  countedCheck(subject, sourceIp, storedHash, (hash) => verifyPassword(password, hash));
