import bcrypt from 'bcryptjs';
import { env } from '../config/index.ts';
import { once } from '../memo.ts';

export const hashPassword = (password: string) => bcrypt.hash(password, env.bcryptCost);

// A real hash at the same cost, so an unknown account costs the same bcrypt work as a wrong password.
const dummyHash = once(() => bcrypt.hash('dummy password for timing', env.bcryptCost));

/**
 * Compares against the stored hash, or against a dummy hash when there is none; same time either way.
 * bcrypt reads only the first 72 bytes, so a longer password would match its prefix's hash: it is
 * refused, after the same work, like any wrong password.
 */
export async function verifyPassword(password: string, storedHash: string | undefined): Promise<boolean> {
  const dummy = dummyHash(); // made on the first check of any kind, so the first unknown account costs no more than a known one
  const comparable = storedHash !== undefined && !bcrypt.truncates(password);
  const matches = await bcrypt.compare(password, comparable ? storedHash : await dummy);
  return matches && comparable;
}
