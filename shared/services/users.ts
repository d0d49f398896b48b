/** User operations with their access rules: admins see everyone, a user only themself (others → 404). */

import { hashPassword } from '../crypto/passwords.ts';
import { attemptsSubject } from '../db/login-attempts.ts';
import { sessions } from '../db/sessions.ts';
import { toPublicUser, type User, type UserFields, users } from '../db/users.ts';
import type { Caller } from '../domain/user.ts';
import { assertVersion, type VersionCondition } from '../domain/versions.ts';
import { InvalidInput, NotFound, NotPermitted } from '../errors.ts';
import type { CreateUserBody, DeleteUserBody, PublicUser, UpdateUserBody } from '../schemas/users.ts';
import { withOptimisticRetry } from './optimistic.ts';
import { paged } from './paging.ts';
import { checkPassword } from './password-attempts.ts';
import { assertUnguessable } from './password-strength.ts';
import { removeAccountData } from './privacy.ts';

/** Creates an account (sign-up goes through here too). */
export async function createUser({ password, role = 'user', ...fields }: CreateUserBody): Promise<User> {
  if (password !== undefined) await assertUnguessable(password, [fields.email, fields.name, fields.username]);
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  return users.create({ ...fields, role } as UserFields, passwordHash);
}

export const addUser = async (body: CreateUserBody): Promise<PublicUser> => toPublicUser(await createUser(body));

async function visibleUser(caller: Caller, userId: string): Promise<User> {
  const user = caller.role === 'admin' || caller.id === userId ? await users.get(userId) : undefined;
  if (!user) throw new NotFound('No such user.');
  return user;
}

export const getUser = async (caller: Caller, userId: string): Promise<PublicUser> => toPublicUser(await visibleUser(caller, userId));

export async function listUsers(query: { limit: number; cursor?: string; email?: string }) {
  if (query.email) {
    const user = await users.findByEmail(query.email);
    return { items: user ? [toPublicUser(user)] : [], next_cursor: null };
  }
  return paged('users.list', query.cursor, (start) => users.list(query.limit, start), toPublicUser);
}

/** What a write needs of the request besides its body. */
export interface WriteContext {
  condition: VersionCondition;
  sourceIp: string;
}

/**
 * `current_password` is the caller's own password, checked (and counted like a sign-in) whenever it
 * is sent. Changing one's own email or password and deleting oneself require it, so a stolen access
 * token cannot take an account over. A wrong one is a 403, not a 401: the session is still open.
 */
async function reauthenticate(caller: Caller, required: boolean, currentPassword: string | undefined, sourceIp: string, deviceToken?: string) {
  if (currentPassword === undefined) {
    if (!required) return;
    throw new InvalidInput('Enter your current password to change your email or password or to delete your account.', [
      { path: 'body.current_password', message: 'Your current password is required for this change' },
    ]);
  }
  const hash = users.get(caller.id).then((user) => user?.password_hash);
  const attempt = { subject: attemptsSubject.user(caller.id), userId: caller.id, deviceToken, sourceIp };
  if (!(await checkPassword(attempt, currentPassword, hash)).matches) {
    throw new NotPermitted('The current password is incorrect.', [{ path: 'body.current_password', message: 'Incorrect password' }]);
  }
}

/** Partial update with optimistic locking. A new password or role closes every session of the user. */
export async function updateUser(
  caller: Caller,
  userId: string,
  { current_password, device_token, ...changes }: UpdateUserBody,
  { condition, sourceIp }: WriteContext,
): Promise<PublicUser> {
  if (changes.role !== undefined && caller.role !== 'admin') throw new NotPermitted('Only an admin can change a role.');
  if (changes.password !== undefined) await assertUnguessable(changes.password, [changes.email, changes.name, changes.username]);
  const ownCredentials = caller.id === userId && (changes.email !== undefined || changes.password !== undefined);
  await reauthenticate(caller, ownCredentials, current_password, sourceIp, device_token);
  const { password, ...given } = changes;
  // null clears a field: undefined in `next` drops it from the stored profile.
  const fields = Object.fromEntries(Object.entries(given).map(([field, value]) => [field, value ?? undefined])) as Partial<UserFields>;
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  const { current, next } = await withOptimisticRetry(condition, async () => {
    const current = await visibleUser(caller, userId);
    assertVersion(condition, current.version);
    const next: User = {
      ...current,
      ...fields,
      ...(passwordHash && { password_hash: passwordHash }),
      version: current.version + 1,
      updated_at: new Date().toISOString(),
    };
    await users.replace(current, next);
    return { current, next };
  });
  if (passwordHash || (changes.role && changes.role !== current.role)) await sessions.endAll(userId);
  return toPublicUser(next);
}

/**
 * Deletes the profile and markers atomically (the email is free again at once), then everything else
 * that names the user (privacy.ts). Payments stay: they are financial records. Deleting oneself needs
 * the current password.
 */
export async function deleteUser(caller: Caller, userId: string, body: DeleteUserBody, { condition, sourceIp }: WriteContext): Promise<void> {
  await reauthenticate(caller, caller.id === userId, body?.current_password, sourceIp, body?.device_token);
  // Like updates: a concurrent change is a 412 with If-Match, and simply re-read without it.
  await withOptimisticRetry(condition, async () => {
    const user = await visibleUser(caller, userId);
    assertVersion(condition, user.version);
    await users.remove(user);
  });
  await removeAccountData(userId);
}
