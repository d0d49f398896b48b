/** Sign-up, sign-in, token refresh and sign-out (seed 003's flows, with rotation and attempt limits). */

import { ACCESS_TOKEN_SECONDS, signAccessToken } from '../crypto/tokens.ts';
import { attemptsSubject } from '../db/login-attempts.ts';
import { type Session, sessions, toPublicSession } from '../db/sessions.ts';
import { OwnerGone } from '../db/user-partition.ts';
import { toPublicUser, type User, users } from '../db/users.ts';
import type { Caller, Login } from '../domain/user.ts';
import { NotAuthenticated, NotFound } from '../errors.ts';
import type { RegisterBody } from '../schemas/users.ts';
import { paged } from './paging.ts';
import { checkPassword } from './password-attempts.ts';
import { createUser } from './users.ts';

async function tokensFor(session: Session) {
  return {
    token_type: 'Bearer' as const,
    access_token: await signAccessToken({ sub: session.userId, role: session.role, sid: session.sessionId }),
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: session.refreshToken,
  };
}

const signedIn = async (user: User) => ({ user: toPublicUser(user), ...(await tokensFor(await sessions.start(user.user_id, user.role))) });

export async function register(body: RegisterBody) {
  return signedIn(await createUser({ ...body, role: 'user' }));
}

const INVALID_LOGIN = 'The email, username or password is incorrect.';

/**
 * Unknown account, account without a password, a password over bcrypt's 72 bytes and a wrong
 * password all answer the same 401 after the same bcrypt work. Attempts are counted per account
 * (whichever identifier names it) and source address before the password is checked: see
 * domain/sign-in.ts for the limits.
 */
export async function login({ by, identifier, password }: Login, sourceIp: string) {
  const userId = await users.idBy(by, identifier);
  const subject = userId ? attemptsSubject.user(userId) : await attemptsSubject.unknown(`${by}:${identifier}`);
  const user = userId ? users.get(userId) : Promise.resolve(undefined);
  if (
    !(await checkPassword(
      subject,
      sourceIp,
      password,
      user.then((u) => u?.password_hash),
    ))
  )
    throw new NotAuthenticated(INVALID_LOGIN);
  const account = await user;
  if (!account) throw new NotAuthenticated(INVALID_LOGIN); // the password checked out, so the account was read
  // Deleted since it was read: the same answer as any account that does not exist.
  return signedIn(account).catch((error) => {
    throw error instanceof OwnerGone ? new NotAuthenticated(INVALID_LOGIN) : error;
  });
}

export async function refresh(refreshToken: string) {
  const session = await sessions.rotate(refreshToken);
  if (!session) throw new NotAuthenticated('The refresh token is invalid, expired or already used; sign in again.');
  return tokensFor(session);
}

export const logout = (caller: Caller) => sessions.end(caller.id, caller.sessionId);

export const listSessions = (caller: Caller, query: { limit: number; cursor?: string }) =>
  paged(
    `me.sessions:${caller.id}`,
    query.cursor,
    (start) => sessions.page(caller.id, query.limit, start),
    (s) => toPublicSession(s, caller.sessionId),
  );

/** Signs one of the caller's sessions out (another device, or this one): its tokens stop working. */
export async function endSession(caller: Caller, sessionId: string): Promise<void> {
  if (!(await sessions.isOpen(caller.id, sessionId, caller.role))) throw new NotFound('No such session.');
  await sessions.end(caller.id, sessionId);
}
