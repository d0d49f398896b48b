/** Password and code checks with their attempt counted first; sign-in, second factors and step-up share the counters. */
import { verifyPassword } from '../crypto/passwords.ts';
import { devices } from '../db/devices.ts';
import { loginAttempts } from '../db/login-attempts.ts';
import { REFUSED } from '../domain/sign-in.ts';
import { RateLimited } from '../errors.ts';

/** The account an attempt names, if any, and the device token the client carried. */
export interface Attempt {
  subject: string;
  userId?: string;
  deviceToken?: string;
  sourceIp: string;
}

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

/**
 * Checks `password` against the stored hash (none: a dummy, for the same work). The attempt is
 * counted before bcrypt runs: on the device's record when it carries a live device token of this
 * account, else on the account's and the network's counters (domain/sign-in.ts, countedCheck above).
 * Returns whether it matched and whether a recognised device asked.
 */
export async function checkPassword(
  { subject, userId, deviceToken, sourceIp }: Attempt,
  password: string,
  storedHash: Promise<string | undefined>,
): Promise<{ matches: boolean; recognised: boolean }> {
  const device = userId ? await devices.claim(userId, deviceToken) : undefined;
  if (device) {
    const matches = await verifyPassword(password, await storedHash);
    await (matches ? devices.succeeded(device) : devices.failed(device));
    return { matches, recognised: true };
  }
  const matches = await countedCheck(subject, sourceIp, storedHash, (hash) => verifyPassword(password, hash));
  return { matches, recognised: false };
}
