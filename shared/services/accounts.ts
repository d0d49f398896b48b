/** Sign-up, sign-in, token refresh and sign-out (seed 003's flows, with rotation and lockout). */
import { keyedHash } from '../crypto/hash.ts';
import { verifyPassword } from '../crypto/passwords.ts';
import { ACCESS_TOKEN_SECONDS, signAccessToken } from '../crypto/tokens.ts';
import { loginAttempts } from '../db/login-attempts.ts';
import { sessions, type Session } from '../db/sessions.ts';
import { toPublicUser, users, type User } from '../db/users.ts';
import { normaliseEmail, normaliseUsername } from '../db/keys.ts';
import type { Caller } from '../http/auth.ts';
import { HttpProblem, tooManyRequests, unauthorized } from '../http/problem.ts';
import type { LoginBody } from '../schemas/auth.ts';
import type { RegisterBody } from '../schemas/users.ts';
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
 * Unknown account, account without a password and wrong password all answer the same 401 after the
 * same bcrypt work. Five failures in 15 minutes lock the identifier until the window ends.
 */
export async function login({ email, username, password }: LoginBody) {
  const identifier = email !== undefined ? `email:${normaliseEmail(email)}` : `username:${normaliseUsername(username!)}`;
  const identifierHash = await keyedHash('login', identifier);
  const [lockedFor, user] = await Promise.all([
    loginAttempts.lockedFor(identifierHash),
    email !== undefined ? users.findByEmail(email) : users.findByUsername(username!),
  ]);
  if (lockedFor > 0) throw tooManyRequests(lockedFor, 'Too many failed sign-ins for this account; retry later.');
  if (!(await verifyPassword(password, user?.password_hash))) {
    await loginAttempts.recordFailure(identifierHash);
    throw unauthorized(INVALID_LOGIN);
  }
  await loginAttempts.clear(identifierHash);
  return signedIn(user!);
}

export async function refresh(refreshToken: string) {
  const session = await sessions.rotate(refreshToken);
  if (!session) throw new HttpProblem(401, 'The refresh token is invalid, expired or already used; sign in again.');
  return tokensFor(session);
}

export const logout = (caller: Caller) => sessions.end(caller.id, caller.sessionId);
