/** Sign-in, token refresh and sign-out (seed 003's flows, with rotation and attempt limits); verifying a sign-up signs in. */

import { ACCESS_TOKEN_SECONDS, newRefreshToken, refreshTokenUser, signAccessToken } from '../crypto/tokens.ts';
import { mfaChallenges } from '../db/factors.ts';
import { attemptsSubject } from '../db/login-attempts.ts';
import { type Session, sessions, toPublicSession } from '../db/sessions.ts';
import { OwnerGone } from '../db/user-partition.ts';
import { toPublicUser, type User, users } from '../db/users.ts';
import type { Caller, Login } from '../domain/user.ts';
import { NotAuthenticated, NotFound } from '../errors.ts';
import type { MfaBody } from '../schemas/factors.ts';
import { factorsOf, useRecoveryCode, useTotpCode } from './factors.ts';
import { paged } from './paging.ts';
import { checkPassword, countedCheck } from './password-attempts.ts';
import { verify } from './sign-up.ts';

async function tokensFor(session: Session) {
  return {
    token_type: 'Bearer' as const,
    access_token: await signAccessToken({ sub: session.userId, role: session.role, sid: session.sessionId }),
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: session.refreshToken,
  };
}

const signedIn = async (user: User) => ({ user: toPublicUser(user), ...(await tokensFor(await sessions.start(user.user_id, user.role))) });

/** Follows a sign-up link: the account is created with its address verified, and signed in. */
export const verifyEmail = (token: string) => verify(token, signedIn);

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
  const methods = await factorsOf(account.user_id);
  if (methods.length > 0) {
    const challenge = newRefreshToken(account.user_id);
    await mfaChallenges.create(account.user_id, challenge);
    return { mfa_required: true as const, challenge, methods };
  }
  return signedInOrGone(account);
}

// Deleted since it was read: the same answer as any account that does not exist.
const signedInOrGone = (account: User) =>
  signedIn(account).catch((error) => {
    throw error instanceof OwnerGone ? new NotAuthenticated(INVALID_LOGIN) : error;
  });

const CHALLENGE_OVER = 'The sign-in challenge has expired, was used or had too many wrong codes; sign in again.';

/**
 * The second step of a sign-in: a TOTP or recovery code against the challenge the password earned.
 * Wrong codes are counted per challenge (it ends at the fifth) and per account and network, like
 * passwords; the challenge works once.
 */
export async function loginMfa({ challenge, code, recovery_code }: MfaBody, sourceIp: string) {
  const userId = refreshTokenUser(challenge);
  if (!userId || !(await mfaChallenges.isOpen(userId, challenge))) throw new NotAuthenticated(CHALLENGE_OVER);
  const passed = await countedCheck(attemptsSubject.user(userId), sourceIp, Promise.resolve(), () =>
    code !== undefined ? useTotpCode(userId, code) : useRecoveryCode(userId, recovery_code ?? ''),
  );
  if (!passed) {
    await mfaChallenges.fail(userId, challenge);
    throw new NotAuthenticated('The code is incorrect or already used.');
  }
  const account = await users.get(userId);
  if (!account || !(await mfaChallenges.use(userId, challenge))) throw new NotAuthenticated(CHALLENGE_OVER);
  return signedInOrGone(account);
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
