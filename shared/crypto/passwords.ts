import bcrypt from 'bcryptjs';
import { env } from '../config/index.ts';

export const hashPassword = (password: string) => bcrypt.hash(password, env.bcryptCost);

// A real hash at the same cost, so an unknown account costs the same bcrypt work as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Compares against the stored hash, or against a dummy hash when there is none; same time either way. */
export async function verifyPassword(password: string, storedHash: string | undefined): Promise<boolean> {
  dummyHash ??= bcrypt.hash('dummy password for timing', env.bcryptCost);
  const matches = await bcrypt.compare(password, storedHash ?? (await dummyHash));
  return matches && storedHash !== undefined;
}
