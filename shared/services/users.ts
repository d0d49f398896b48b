/** User operations with their access rules: admins see everyone, a user only themself (others → 404). */
import { openCursor, sealCursor } from '../crypto/cursor.ts';
import { hashPassword } from '../crypto/passwords.ts';
import { kv } from '../db/kv.ts';
import { sessions } from '../db/sessions.ts';
import { toPublicUser, UniquenessConflict, users, type User, type UserFields } from '../db/users.ts';
import { withOptimisticRetry } from './optimistic.ts';
import type { Caller } from '../http/auth.ts';
import { assertIfMatch, etagOf } from '../http/etag.ts';
import { Reply } from '../http/handler.ts';
import { conflict, forbidden, notFound } from '../http/problem.ts';
import type { CreateUserBody, UpdateUserBody } from '../schemas/users.ts';

/** A user as the API returns it, with its ETag. */
export const userReply = (user: User, status?: number) =>
  new Reply(toPublicUser(user), {
    status,
    headers: { etag: etagOf(user.version), ...(status === 201 && { location: `/users/${user.user_id}` }) },
  });

function uniquenessProblem(error: unknown): never {
  if (error instanceof UniquenessConflict) {
    throw conflict(`That ${error.field} is already registered.`, [{ path: `body.${error.field}`, message: `${error.field} is taken` }]);
  }
  throw error;
}

export async function createUser({ password, role = 'user', ...fields }: CreateUserBody): Promise<User> {
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  return users.create({ ...fields, role } as UserFields, passwordHash).catch(uniquenessProblem);
}

export async function getVisibleUser(caller: Caller, userId: string): Promise<User> {
  const user = caller.role === 'admin' || caller.id === userId ? await users.get(userId) : undefined;
  if (!user) throw notFound('No such user.');
  return user;
}

export async function listUsers(query: { limit: number; cursor?: string; email?: string }) {
  if (query.email) {
    const user = await users.findByEmail(query.email);
    return { items: user ? [toPublicUser(user)] : [], next_cursor: null };
  }
  const scope = 'users.list';
  const page = await users.list(query.limit, await openCursor(query.cursor, scope));
  return { items: page.users.map(toPublicUser), next_cursor: await sealCursor(page.lastKey, scope) };
}

/** Partial update with optimistic locking. A new password or role closes every session of the user. */
export async function updateUser(caller: Caller, userId: string, changes: UpdateUserBody, ifMatch?: string): Promise<User> {
  if (changes.role !== undefined && caller.role !== 'admin') throw forbidden('Only an admin can change a role.');
  const { password, ...fields } = changes;
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  const { current, next } = await withOptimisticRetry(ifMatch, async () => {
    const current = await getVisibleUser(caller, userId);
    assertIfMatch(ifMatch, current.version);
    const next: User = {
      ...current,
      ...fields,
      ...(passwordHash && { password_hash: passwordHash }),
      version: current.version + 1,
      updated_at: new Date().toISOString(),
    };
    await users.replace(current, next).catch(uniquenessProblem);
    return { current, next };
  });
  if (passwordHash || (changes.role && changes.role !== current.role)) await sessions.endAll(userId);
  return next;
}

/**
 * Deletes the profile and markers atomically (the email is free again at once), then every session
 * and every key-value entry, however many. Payments stay: they are financial records.
 */
export async function deleteUser(caller: Caller, userId: string, ifMatch?: string): Promise<void> {
  // Like updates: a concurrent change is a 412 with If-Match, and simply re-read without it.
  await withOptimisticRetry(ifMatch, async () => {
    const user = await getVisibleUser(caller, userId);
    assertIfMatch(ifMatch, user.version);
    await users.remove(user);
  });
  await Promise.all([sessions.endAll(userId), kv.removeAll(userId)]);
}
