/** Password checks with their attempt counted first; sign-in and re-authentication share the counters. */
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
 * Checks `password` against the stored hash (none: a dummy, for the same work). The attempt is
 * counted before bcrypt runs: on the device's record when it carries a live device token of this
 * account, else on the account's and the network's counters (domain/sign-in.ts). A refused one is a
 * 429 that checks nothing; a wrong password stays counted; a right one gives its attempt back.
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
  const [hash, claim] = await Promise.all([storedHash, loginAttempts.claim(subject, sourceIp)]);
  if ('refused' in claim) throw new RateLimited(REFUSED[claim.refused], undefined, claim.retryAfter);
  const matches = await verifyPassword(password, hash);
  if (matches) await loginAttempts.giveBack(claim);
  return { matches, recognised: false };
}
