/** Sign-in, token refresh and sign-out (seed 003's flows, with rotation and attempt limits); verifying a sign-up signs in. */

import { randomUUID } from 'node:crypto';
import { verifyPassword } from '../crypto/passwords.ts';
import { ACCESS_TOKEN_SECONDS, newRefreshToken, refreshTokenUser, signAccessToken } from '../crypto/tokens.ts';
import { activity } from '../db/activity.ts';
import { devices } from '../db/devices.ts';
import { mfaChallenges } from '../db/factors.ts';
import { attemptsSubject, loginAttempts } from '../db/login-attempts.ts';
import { passkeys } from '../db/passkeys.ts';
import { type Session, type SignInOrigin, sessions, toPublicSession } from '../db/sessions.ts';
import { OwnerGone } from '../db/user-partition.ts';
import { toPublicUser, type User, users } from '../db/users.ts';
import { type Guarded, guard, StaleVersion } from '../db/writes.ts';
import { coarseNetwork, describeDevice, type SignInMethod } from '../domain/device.ts';
import { REFUSED } from '../domain/sign-in.ts';
import type { Caller, Login } from '../domain/user.ts';
import { NotAuthenticated, NotFound, RateLimited } from '../errors.ts';
import type { MfaBody } from '../schemas/factors.ts';
import type { AssertionJson } from '../schemas/passkeys.ts';
import { type ClientContext, recordActivity } from './activity.ts';
import { factorsOf, requireStepUp, type StepUpProof, useRecoveryCode, useTotpCode } from './factors.ts';
import { paged } from './paging.ts';
import { checkPassword, countedCheck } from './password-attempts.ts';
import { noticeOfNewDevice } from './sign-in-notice.ts';
import { type Verification, verify } from './sign-up.ts';
import { challengeForMfa, requestOptions, verifyAssertion } from './webauthn.ts';

async function tokensFor(session: Session) {
  return {
    token_type: 'Bearer' as const,
    access_token: await signAccessToken({ sub: session.userId, role: session.role, sid: session.sessionId }),
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: session.refreshToken,
  };
}

export type { ClientContext };

const originOf = ({ sourceIp, userAgent }: ClientContext, method: SignInMethod): SignInOrigin => ({
  device: describeDevice(userAgent),
  network: coarseNetwork(sourceIp),
  method,
});

/**
 * Tokens for a new session, and the device token this client keeps: the one it carried if that was
 * recognised, else a new one, and then the owner is told of a sign-in from a new device.
 */
async function signedIn(
  user: User,
  origin: SignInOrigin,
  // Passed in rather than imported here, so that a function which never notifies (verify) bundles no mail client.
  { recognisedDevice, notice, alsoHeld }: { recognisedDevice?: string; notice?: typeof noticeOfNewDevice; alsoHeld?: Guarded[] },
) {
  const [session, deviceToken] = await Promise.all([openSession(user, origin, alsoHeld), devices.remember(user.user_id, recognisedDevice)]);
  const newDevice = notice !== undefined && !recognisedDevice;
  await activity.record(user.user_id, newDevice ? 'signed_in_new_device' : 'signed_in', origin);
  if (newDevice) await notice(user, origin);
  return { user: toPublicUser(user), ...(await tokensFor(session)), device_token: deviceToken };
}

/**
 * A session on the credentials this sign-in checked (sessions.start: only on the profile version it
 * read). A profile rewritten meanwhile without touching them (a new name) is read again; a new
 * password or role, or a deleted account, answers as a wrong password does.
 */
async function openSession(checked: User, origin: SignInOrigin, alsoHeld?: Guarded[]): Promise<Session> {
  let user = checked;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sessions.start(user.user_id, user.role, user.version, origin, alsoHeld);
    } catch (error) {
      if (!(error instanceof StaleVersion) || attempt === 3) throw error;
      const current = await users.get(user.user_id);
      if (!current || current.password_hash !== checked.password_hash || current.role !== checked.role) throw new NotAuthenticated(INVALID_LOGIN);
      user = current;
    }
  }
}

// Deleted since it was read: the same answer as any account that does not exist.
const orGone = <T>(signingIn: Promise<T>) =>
  signingIn.catch((error) => {
    throw error instanceof OwnerGone ? new NotAuthenticated(INVALID_LOGIN) : error;
  });

/** Follows a sign-up link: the account is created with its address verified, and signed in. */
export const verifyEmail = (verification: Verification, client: ClientContext) =>
  verify(verification, (user) => signedIn(user, originOf(client, 'password'), {}));

const INVALID_LOGIN = 'The email, username or password is incorrect.';

/**
 * Unknown account, account without a password, a password over bcrypt's 72 bytes and a wrong
 * password all answer the same 401 after the same bcrypt work. Attempts are counted per account
 * (whichever identifier names it) and source address before the password is checked, or on the
 * device's own record when the client carries its device token: see domain/sign-in.ts for the limits.
 * An account with a second factor gets a challenge instead of tokens.
 */
export async function login({ by, identifier, password, deviceToken, totpCode }: Login, client: ClientContext) {
  if (totpCode !== undefined) return loginWithCode({ by, identifier, password, totpCode }, client);
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
  const methods = await factorsOf(account.user_id);
  if (methods.length > 0) {
    const challenge = newRefreshToken(account.user_id);
    await mfaChallenges.create(account.user_id, challenge, checked.recognised, account.version);
    const passkeyOptions = methods.includes('passkey')
      ? { passkey_options: requestOptions(challengeForMfa(challenge), await passkeys.list(account.user_id), 'preferred') }
      : {};
    return { mfa_required: true as const, challenge, methods, ...passkeyOptions };
  }
  const recognisedDevice = checked.recognised ? deviceToken : undefined;
  return orGone(signedIn(account, originOf(client, 'password'), { recognisedDevice, notice: noticeOfNewDevice }));
}

/**
 * A sign-in that proves both factors at once, password and authenticator code, so an owner of an
 * account with a second factor is never slowed by failures of others (issue 22). Its attempts are
 * counted apart from password attempts (the CODE# counters): per network before anything is checked
 * (5 failures lock that network out of this path), and per account only once the password proved
 * right, for the code; so an attacker who lacks the password cannot touch the account-wide counter
 * of this path, and one who has it gets the same code budget as the challenge step. Password
 * guessing gains nothing here: a right password with a wrong code answers the same 401 as anything
 * else, after the same bcrypt work.
 */
async function loginWithCode({ by, identifier, password, totpCode }: Required<Omit<Login, 'deviceToken'>>, client: ClientContext) {
  const userId = await users.idBy(by, identifier);
  const subject = userId ? attemptsSubject.user(userId) : await attemptsSubject.unknown(`${by}:${identifier}`);
  const [source, user] = await Promise.all([loginAttempts.claimSource(subject, client.sourceIp, 'CODE#'), userId ? users.get(userId) : undefined]);
  if ('refused' in source) throw new RateLimited(REFUSED.source, undefined, source.retryAfter);
  const owner = (await verifyPassword(password, user?.password_hash)) ? user : undefined;
  // The same work whether or not the password was right (a counter write, a code check), so the time
  // of the same 401 tells nothing about the password; a wrong one counts on a decoy, not the account.
  const account = await loginAttempts.claimAccount(owner ? subject : await attemptsSubject.unknown(`decoy:${randomUUID()}`), 'CODE#');
  const codeRight = await useTotpCode(owner?.user_id ?? randomUUID(), totpCode);
  if (!owner || 'refused' in account || !codeRight) throw new NotAuthenticated(INVALID_LOGIN);
  await Promise.all([loginAttempts.giveBack(source), loginAttempts.giveBack(account)]);
  return orGone(signedIn(owner, originOf(client, 'password+totp'), { notice: noticeOfNewDevice }));
}

const CHALLENGE_OVER = 'The sign-in challenge has expired, was used or had too many wrong codes; sign in again.';

/**
 * The second step of a sign-in: a TOTP or recovery code, or a passkey assertion, against the
 * challenge the password earned. Wrong codes are counted per challenge (it ends at the fifth) and per
 * account and network, like passwords; a passkey assertion cannot be guessed, so it is counted per
 * challenge only (and an attacker's failures cannot slow it). The challenge works once. The client
 * gets a new device token (no notice when the password step came from a recognised device).
 */
export async function loginMfa({ challenge, code, recovery_code, passkey }: MfaBody, client: ClientContext) {
  const userId = refreshTokenUser(challenge);
  if (!userId || !(await mfaChallenges.isOpen(userId, challenge))) throw new NotAuthenticated(CHALLENGE_OVER);
  const passed =
    passkey !== undefined
      ? Boolean(await verifyAssertion(passkey, { challenge: challengeForMfa(challenge), userId }))
      : await countedCheck(attemptsSubject.user(userId), client.sourceIp, Promise.resolve(), () =>
          code !== undefined ? useTotpCode(userId, code) : useRecoveryCode(userId, recovery_code ?? ''),
        );
  if (!passed) {
    await mfaChallenges.fail(userId, challenge);
    throw new NotAuthenticated(passkey ? 'The passkey was not accepted.' : 'The code is incorrect or already used.');
  }
  const account = await users.get(userId);
  const used = account && (await mfaChallenges.use(userId, challenge));
  // The profile changed since the password step (a new password or role among what it may be): sign in again.
  if (!account || !used || used.profileVersion !== account.version) throw new NotAuthenticated(CHALLENGE_OVER);
  const method = passkey ? 'password+passkey' : code !== undefined ? 'password+totp' : 'password+recovery_code';
  return orGone(signedIn(account, originOf(client, method), { notice: used.recognisedDevice ? undefined : noticeOfNewDevice }));
}

const PASSKEY_REFUSED = 'The passkey was not accepted: ask for a new challenge (POST /auth/passkey/options) and try again.';

/**
 * Signs in with a passkey alone (a discoverable credential, user verification required): no password,
 * so no attempt counter either. An assertion cannot be guessed and each challenge works once, so an
 * attacker who knows the email cannot slow the owner down. Every failure answers the same 401.
 */
export async function signInWithPasskey({ credential, device_token }: { credential: AssertionJson; device_token?: string | undefined }, client: ClientContext) {
  const verified = await verifyAssertion(credential, { purpose: 'sign-in' }, { requireUserVerification: true });
  const account = verified && (await users.get(verified.userId));
  if (!account) throw new NotAuthenticated(PASSKEY_REFUSED);
  const recognisedDevice = (await devices.recognises(account.user_id, device_token)) ? device_token : undefined;
  // Only while the passkey is registered: one removed meanwhile (by its owner, or a "this wasn't me" link) opens no session.
  const alsoHeld = [guard(passkeys.stillRegistered(account.user_id, verified.passkey.id), () => new NotAuthenticated(PASSKEY_REFUSED))];
  return orGone(signedIn(account, originOf(client, 'passkey'), { recognisedDevice, notice: noticeOfNewDevice, alsoHeld }));
}

export async function refresh(refreshToken: string) {
  const pair = await sessions.rotate(refreshToken);
  if (!pair) throw new NotAuthenticated('The refresh token is invalid, expired or already used; sign in again.');
  return { token_type: 'Bearer' as const, access_token: pair.accessToken, expires_in: ACCESS_TOKEN_SECONDS, refresh_token: pair.refreshToken };
}

export async function logout(caller: Caller, client: ClientContext): Promise<void> {
  await sessions.end(caller.id, caller.sessionId);
  await recordActivity(caller.id, 'signed_out', client);
}

export const listSessions = (caller: Caller, query: { limit: number; cursor?: string }) =>
  paged(
    `me.sessions:${caller.id}`,
    query.cursor,
    (start) => sessions.page(caller.id, query.limit, start),
    (s) => toPublicSession(s, caller.sessionId),
  );

/** Signs one of the caller's sessions out (another device, or this one): its tokens stop working. */
export async function endSession(caller: Caller, sessionId: string, proof: StepUpProof | undefined, client: ClientContext): Promise<void> {
  // Another session: a stolen token must not sign its owner out everywhere else, so step-up first.
  if (sessionId !== caller.sessionId) await requireStepUp(caller, proof, client.sourceIp, 'signing out another session');
  if (!(await sessions.isOpen(caller.id, sessionId, caller.role))) throw new NotFound('No such session.');
  await sessions.end(caller.id, sessionId);
  await recordActivity(caller.id, 'session_ended', client);
}
