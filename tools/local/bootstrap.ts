import { hashPassword } from '../../shared/crypto/passwords.ts';
import { users } from '../../shared/db/users.ts';

/** Creates the admin account on first start; an existing account is left as it is. */
export async function bootstrapAdmin(email: string, password: string): Promise<{ created: boolean }> {
  if (await users.findByEmail(email)) return { created: false };
  await users.create({ email, name: 'Administrator', role: 'admin' }, await hashPassword(password));
  return { created: true };
}
