/** Sign-up, sign-in, token refresh and sign-out (seed 003's flows, with rotation and attempt limits). */

import { ACCESS_TOKEN_SECONDS, signAccessToken } from '../crypto/tokens.ts';
import { devices } from '../db/devices.ts';
import { attemptsSubject } from '../db/login-attempts.ts';
import { type Session, type SignInOrigin, sessions, toPublicSession } from '../db/sessions.ts';
import { OwnerGone } from '../db/user-partition.ts';
import { toPublicUser, type User, users } from '../db/users.ts';
import { coarseNetwork, describeDevice, type SignInMethod } from '../domain/device.ts';
import type { Caller, Login } from '../domain/user.ts';
import { NotAuthenticated, NotFound } from '../errors.ts';
import type { RegisterBody } from '../schemas/users.ts';
import { paged } from './paging.ts';
import { checkPassword } from './password-attempts.ts';
import { noticeOfNewDevice } from './sign-in-notice.ts';
import { createUser } from './users.ts';

async function tokensFor(session: Session) {
  return {
    token_type: 'Bearer' as const,
    access_token: await signAccessToken({ sub: session.userId, role: session.role, sid: session.sessionId }),
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: session.refreshToken,
  };
}

/** Where a request comes from, as a session records it. */
export interface ClientContext {
  sourceIp: string;
  userAgent: string | undefined;
}

const originOf = ({ sourceIp, userAgent }: ClientContext, method: SignInMethod): SignInOrigin => ({
  device: describeDevice(userAgent),
  network: coarseNetwork(sourceIp),
  method,
});

/**
 * Tokens for a new session, and the device token this client keeps: the one it carried if that was
 * recognised, else a new one, and then the owner is told of a sign-in from a new device.
 */
async function signedIn(user: User, origin: SignInOrigin, { recognisedDevice, notify }: { recognisedDevice?: string; notify: boolean }) {
  const [session, deviceToken] = await Promise.all([sessions.start(user.user_id, user.role, origin), devices.remember(user.user_id, recognisedDevice)]);
  if (notify && !recognisedDevice) await noticeOfNewDevice(user, origin);
  return { user: toPublicUser(user), ...(await tokensFor(session)), device_token: deviceToken };
}

export async function register(body: RegisterBody, client: ClientContext) {
  return signedIn(await createUser({ ...body, role: 'user' }), originOf(client, 'password'), { notify: false });
}

const INVALID_LOGIN = 'The email, username or password is incorrect.';

/**
 * Unknown account, account without a password, a password over bcrypt's 72 bytes and a wrong
 * password all answer the same 401 after the same bcrypt work. Attempts are counted per account
 * (whichever identifier names it) and source address before the password is checked: see
 * domain/sign-in.ts for the limits.
 */
export async function login({ by, identifier, password, deviceToken }: Login, client: ClientContext) {
  const { sourceIp } = client;
  const userId = await users.idBy(by, identifier);
  const subject = userId ? attemptsSubject.user(userId) : await attemptsSubject.unknown(`${by}:${identifier}`);
  const user = userId ? users.get(userId) : Promise.resolve(undefined);
  const checked = await checkPassword(
    { subject, userId, deviceToken, sourceIp },
    password,
    user.then((u) => u?.password_hash),
  );
  if (!checked.matches) throw new NotAuthenticated(INVALID_LOGIN);
  const account = await user;
  if (!account) throw new NotAuthenticated(INVALID_LOGIN); // the password checked out, so the account was read
  // Deleted since it was read: the same answer as any account that does not exist.
  const recognisedDevice = checked.recognised ? deviceToken : undefined;
  return signedIn(account, originOf(client, 'password'), { recognisedDevice, notify: true }).catch((error) => {
    throw error instanceof OwnerGone ? new NotAuthenticated(INVALID_LOGIN) : error;
  });
}

export async function refresh(refreshToken: string) {
  const pair = await sessions.rotate(refreshToken);
  if (!pair) throw new NotAuthenticated('The refresh token is invalid, expired or already used; sign in again.');
  return { token_type: 'Bearer' as const, access_token: pair.accessToken, expires_in: ACCESS_TOKEN_SECONDS, refresh_token: pair.refreshToken };
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
  if (!(await sessions.isOpen(caller.id, sessionId))) throw new NotFound('No such session.');
  await sessions.end(caller.id, sessionId);
}
