import bcrypt from 'bcryptjs';
import { env } from '../config/index.ts';
import { once } from '../memo.ts';

export const hashPassword = (password: string) => bcrypt.hash(password, env.bcryptCost);

// A hash at the same cost that nothing matches, so an unknown account costs the same bcrypt work as a
// wrong password: compare() runs the full cost on the salt, whatever follows it. Made without hashing,
// so the first check of an instance runs one bcrypt, not two (the first login was twice a warm one).
// Pure: a function that imports this module but checks no password bundles no bcryptjs.
const dummyHash = /* @__PURE__ */ once(() => `${bcrypt.genSaltSync(env.bcryptCost)}${'.'.repeat(31)}`);

/**
 * Compares against the stored hash, or against a dummy hash when there is none; same time either way.
 * bcrypt reads only the first 72 bytes, so a longer password would match its prefix's hash: it is
 * refused, after the same work, like any wrong password.
 */
export async function verifyPassword(password: string, storedHash: string | undefined): Promise<boolean> {
  const comparable = storedHash !== undefined && !bcrypt.truncates(password);
  const matches = await bcrypt.compare(password, comparable ? storedHash : dummyHash());
  return matches && comparable;
}
