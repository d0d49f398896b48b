/**
 * Getting back in: "forgot password" mails a single-use reset link (domain/recovery.ts), and the link
 * sets a new password, which ends every session, proves the address and tells the owner. Asking
 * answers the same, after the same work, for a known and an unknown address.
 */
import { hashPassword } from '../crypto/passwords.ts';
import { claims } from '../db/claims.ts';
import { links } from '../db/links.ts';
import { consumeRateLimit } from '../db/rate-limits.ts';
import { sessions } from '../db/sessions.ts';
import { type User, users } from '../db/users.ts';
import { StaleVersion } from '../db/writes.ts';
import { RECOVERY_WINDOW_SECONDS, RESET_MAILS_PER_ADDRESS, RESET_MINUTES, RESETS_PER_NETWORK } from '../domain/recovery.ts';
import { sourceNetwork } from '../domain/sign-in.ts';
import { normaliseEmail } from '../domain/user.ts';
import { RateLimited, Unprocessable } from '../errors.ts';
import { noAccountMail, passwordResetNotice, resetMail } from '../mail/account.ts';
import { sendMail, sendNotice } from '../mail/send.ts';
import { retry } from '../retry.ts';
import { type ClientContext, recordActivity } from './activity.ts';
import { factorSummary, removeAllFactors } from './factor-notice.ts';
import { assertUnguessable } from './password-strength.ts';

/** An unknown, used, superseded or expired link: one answer for all (422: well-formed, refused by state, as a sign-up link). */
export class InvalidRecoveryLink extends Unprocessable {
  constructor(again = 'ask for a new one') {
    super(`The link is invalid or has expired: ${again}.`, [{ path: 'body.token', message: 'invalid or expired link' }]);
  }
}

/** Whether another mail of this kind may go to the address this hour (beyond the bound none is sent, silently); `from` counts one sender's apart. */
export const mayMail = (purpose: string, email: string, limit: number, from = '') =>
  consumeRateLimit(purpose, `${from}email:${normaliseEmail(email)}`, limit, RECOVERY_WINDOW_SECONDS).then(
    () => true,
    (error) => {
      if (error instanceof RateLimited) return false;
      throw error;
    },
  );

const NOBODY = '00000000-0000-4000-8000-000000000000';

export async function forgotPassword(email: string, sourceIp: string) {
  await consumeRateLimit('password-resets', `network:${sourceNetwork(sourceIp)}`, RESETS_PER_NETWORK, RECOVERY_WINDOW_SECONDS);
  const [ownerId, mailAllowed] = await Promise.all([users.idBy('email', email), mayMail('reset-mails', email, RESET_MAILS_PER_ADDRESS)]);
  const owner = await users.get(ownerId ?? NOBODY); // the same read for an unknown address
  // Beyond the bound no new link is made either: the one already mailed stays the newest.
  const issuing = owner && mailAllowed;
  // The link is bound to the address it goes to: once the account's address changes, it no longer works.
  const token = issuing ? await links.issue(owner.user_id, 'reset', RESET_MINUTES * 60, { email: owner.email }) : await links.issueForNobody('reset');
  if (mailAllowed) await sendMail(owner && token ? resetMail(owner.email, token, RESET_MINUTES) : noAccountMail(email));
  return { status: 'reset_sent' as const, email };
}

/**
 * Whether a reset or invitation link still holds for the account as it is now: it went to the
 * account's current address (a link mailed to an address the account has left proves nothing), and an
 * invitation only while the account has no password.
 */
const stillHolds = (user: User | undefined, mailedTo: string | undefined, purpose: 'reset' | 'invite'): user is User =>
  user !== undefined &&
  mailedTo !== undefined &&
  normaliseEmail(mailedTo) === normaliseEmail(user.email) &&
  (purpose === 'reset' || user.password_hash === undefined);

/**
 * Sets the password a reset (or invitation) link allows, in one transaction with the link's use; the
 * address counts as proven. `proved` says whether it was unproven until now (an admin chose its password).
 */
export async function setPasswordByLink(token: string, password: string, purpose: 'reset' | 'invite'): Promise<{ user: User; proved: boolean }> {
  const again = purpose === 'reset' ? 'ask for a new one' : 'ask your administrator for a new invitation';
  const link = await links.find(token, purpose);
  if (!link) throw new InvalidRecoveryLink(again);
  const first = await users.get(link.userId);
  if (!stillHolds(first, link.data.email, purpose)) throw new InvalidRecoveryLink(again);
  await assertUnguessable(password, [first.email, first.name, first.username]);
  const passwordHash = await hashPassword(password);
  return retry(
    async () => {
      const current = await users.get(link.userId);
      if (!stillHolds(current, link.data.email, purpose)) throw new InvalidRecoveryLink(again);
      const now = new Date().toISOString();
      const next: User = {
        ...current,
        password_hash: passwordHash,
        // An intruder's pending email change dies with the reset: its confirmation link no longer matches.
        pending_email: undefined,
        pending_email_expires_at: undefined,
        email_verified_at: current.email_verified_at ?? now,
        address_unproven: undefined,
        version: current.version + 1,
        updated_at: now,
      };
      await users.replace(current, next, [links.consume(link, () => new InvalidRecoveryLink(again))]);
      return { user: next, proved: current.address_unproven === true };
    },
    { attempts: 5, baseMs: 10, retryable: (error) => error instanceof StaleVersion },
  );
}

/**
 * Follows a reset link: a new password, every session ended, the address's pending sign-ups gone, the
 * owner told. On an account whose address nobody had proven (an admin chose its password), the
 * second factors and passkeys go too, after its sessions: whoever held that password set them up, and
 * the owner of the address, who has just proven it, must not be kept out by them.
 */
export async function resetPassword(token: string, password: string, client: ClientContext): Promise<void> {
  const { user, proved } = await setPasswordByLink(token, password, 'reset');
  await Promise.all([sessions.endAll(user.user_id), claims.removeAll(user.email), recordActivity(user.user_id, 'password_reset', client)]);
  if (proved) await removeAllFactors(user.user_id);
  await sendNotice(passwordResetNotice(user.email, await factorSummary(user.user_id), { factorsRemoved: proved }));
}
