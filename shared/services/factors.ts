/**
 * Second factors (passkeys, TOTP (RFC 6238) with recovery codes) and step-up: the proof a sensitive action asks
 * of a signed-in caller, so that a stolen access token alone cannot change credentials or factors.
 */
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { env } from '../config/index.ts';
import { keyedHash } from '../crypto/hash.ts';
import { recoveryCodes, totps } from '../db/factors.ts';
import { attemptsSubject } from '../db/login-attempts.ts';
import { passkeys } from '../db/passkeys.ts';
import { sessions } from '../db/sessions.ts';
import { users } from '../db/users.ts';
import type { Guarded } from '../db/writes.ts';
import type { Caller } from '../domain/user.ts';
import { Conflict, InvalidInput, NotFound, NotPermitted, Unprocessable } from '../errors.ts';
import type { AssertionJson } from '../schemas/passkeys.ts';
import type { ClientContext } from './activity.ts';
import { noticeFactorChange } from './factor-notice.ts';
import { checkPassword, countedCheck } from './password-attempts.ts';
import { verifyAssertion } from './webauthn.ts';

export type FactorMethod = 'passkey' | 'totp' | 'recovery_code';

const PERIOD = 30;
const totpFor = (secret: string, label = 'account') =>
  new TOTP({ issuer: 'User Data', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });

/** The second-factor methods an account can sign in with; none means a password alone signs it in. */
export async function factorsOf(userId: string): Promise<FactorMethod[]> {
  const [totp, keys] = await Promise.all([totps.get(userId), passkeys.list(userId)]);
  return [...(keys.length > 0 ? (['passkey'] as const) : []), ...(totp?.active ? (['totp', 'recovery_code'] as const) : [])];
}

/** Checks a TOTP code (one step either side) and uses its time step up, so it is accepted once. */
export async function useTotpCode(userId: string, code: string, activate = false, alsoHeld: Guarded[] = []): Promise<boolean> {
  const totp = await totps.get(userId);
  if (!totp || totp.active === activate) return false;
  const now = Date.now();
  const delta = totpFor(totp.secret).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return false;
  return totps.acceptStep(userId, Math.floor(now / 1000 / PERIOD) + delta, activate, alsoHeld);
}

const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');
const recoveryHash = (userId: string, code: string) => keyedHash('recovery-code', `${userId}:${normaliseRecoveryCode(code)}`);

export const useRecoveryCode = async (userId: string, code: string) => recoveryCodes.consume(userId, await recoveryHash(userId, code));

/** New recovery codes for the caller, made only while the caller's session is open. */
async function newRecoveryCodes({ id: userId, sessionId }: Caller): Promise<string[]> {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const codes = Array.from({ length: 10 }, () => {
    const chars = [...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
  await recoveryCodes.replace(userId, await Promise.all(codes.map((code) => recoveryHash(userId, code))), [sessions.stillOpen(userId, sessionId)]);
  return codes;
}

/** What a caller proves themself with: the current password, a code from their authenticator, or a passkey. */
export interface StepUpProof {
  current_password?: string;
  totp_code?: string;
  /** An assertion of one of the caller's passkeys against a step-up challenge (POST /me/passkeys/challenge). */
  passkey?: AssertionJson;
  /** With current_password: the device token of this client, so the check counts on the device's own record. */
  device_token?: string;
}

/** Whether a body carries any step-up proof. */
export const offersStepUp = (proof: StepUpProof | undefined) =>
  proof?.current_password !== undefined || proof?.totp_code !== undefined || proof?.passkey !== undefined;

/**
 * Step-up: a sensitive action needs the caller's current password or a fresh TOTP code, counted like
 * a sign-in, or a fresh passkey assertion (its challenge issued to this caller for step-up, 5 minutes,
 * once), which is not counted: it cannot be guessed, so an attacker failing elsewhere cannot slow it.
 * A missing proof is a 400; a wrong one a 403 (the session itself is fine).
 */
export async function requireStepUp(caller: Caller, proof: StepUpProof | undefined, sourceIp: string, action = 'this change'): Promise<void> {
  if (proof?.passkey !== undefined) {
    if (!(await verifyAssertion(proof.passkey, { purpose: 'step-up', userId: caller.id })))
      throw new NotPermitted('The passkey was not accepted: ask for a new challenge (POST /me/passkeys/challenge) and try again.', [
        { path: 'body.passkey', message: 'Not accepted: a passkey of yours, against a fresh step-up challenge' },
      ]);
    return;
  }
  const subject = attemptsSubject.user(caller.id);
  if (proof?.totp_code !== undefined) {
    const code = proof.totp_code;
    if (!(await countedCheck(subject, sourceIp, Promise.resolve(), () => useTotpCode(caller.id, code))))
      throw new NotPermitted('The code is incorrect or already used.', [{ path: 'body.totp_code', message: 'Incorrect or already used code' }]);
    return;
  }
  if (proof?.current_password !== undefined) {
    const hash = users.get(caller.id).then((user) => user?.password_hash);
    const attempt = { subject, userId: caller.id, deviceToken: proof.device_token, sourceIp };
    if (!(await checkPassword(attempt, proof.current_password, hash)).matches)
      throw new NotPermitted('The current password is incorrect.', [{ path: 'body.current_password', message: 'Incorrect password' }]);
    return;
  }
  throw new InvalidInput(`Enter your current password (or a code from your authenticator, or use a passkey) to confirm ${action}.`, [
    { path: 'body.current_password', message: 'Your current password (or totp_code, or passkey) is required for this change' },
  ]);
}

/** Admin routes answer only admins who have a second factor (unless configured off). */
export async function assertAdminFactor(caller: Caller): Promise<void> {
  if (caller.role !== 'admin' || !env.adminMfaRequired) return;
  if ((await factorsOf(caller.id)).length === 0)
    throw new NotPermitted('Set up a second factor first: admin routes need one (a passkey, POST /me/passkeys, or an authenticator, POST /me/totp).');
}

export async function startTotp(caller: Caller, proof: StepUpProof, sourceIp: string) {
  await requireStepUp(caller, proof, sourceIp, 'a new second factor');
  const user = await users.get(caller.id);
  if (!user) throw new NotFound('No such user.');
  const secret = new Secret({ size: 20 }).base32;
  if (!(await totps.startPending(caller.id, secret))) throw new Conflict('An authenticator is already set up: remove it first (DELETE /me/totp).');
  return { secret, otpauth_uri: totpFor(secret, user.email).toString() };
}

export async function confirmTotp(caller: Caller, code: string, client: ClientContext) {
  const since = new Date().toISOString();
  if (!(await useTotpCode(caller.id, code, true, [sessions.stillOpen(caller.id, caller.sessionId)])))
    throw new Unprocessable('The code does not match a pending authenticator: enter the current code, or start again with POST /me/totp.', [
      { path: 'body.code', message: 'Incorrect code' },
    ]);
  const [codes] = await Promise.all([newRecoveryCodes(caller), noticeFactorChange(caller.id, 'totp_enabled', client, since)]);
  return { recovery_codes: codes };
}

export async function removeTotp(caller: Caller, proof: StepUpProof, client: ClientContext): Promise<void> {
  await requireStepUp(caller, proof, client.sourceIp, 'removing your authenticator');
  if (!(await totps.get(caller.id))) throw new NotFound('No authenticator is set up.');
  await totps.remove(caller.id);
  await noticeFactorChange(caller.id, 'totp_removed', client);
}

export async function regenerateRecoveryCodes(caller: Caller, proof: StepUpProof, client: ClientContext) {
  await requireStepUp(caller, proof, client.sourceIp, 'new recovery codes');
  if (!(await factorsOf(caller.id)).includes('recovery_code')) throw new Conflict('Set up an authenticator first (POST /me/totp).');
  const since = new Date().toISOString();
  const [codes] = await Promise.all([newRecoveryCodes(caller), noticeFactorChange(caller.id, 'recovery_codes_regenerated', client, since)]);
  return { recovery_codes: codes };
}
