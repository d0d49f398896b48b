/**
 * An email change that proves the new address: asking only marks it pending and mails the new
 * address a confirmation link and the old one a notice with a link that cancels (or undoes) it. The
 * uniqueness marker moves only on confirmation, which also needs the requesting account's password,
 * so the owner of the new address who opens the link cannot hand it to someone else's account. A new
 * address another account has gets the same answer, and the same work; its owner is told someone
 * tried, and no link goes out. Each change has its own cancel link (db/links.ts).
 */
import { claims } from '../db/claims.ts';
import { links } from '../db/links.ts';
import { attemptsSubject } from '../db/login-attempts.ts';
import { UniquenessConflict } from '../db/markers.ts';
import { consumeRateLimit } from '../db/rate-limits.ts';
import { sessions } from '../db/sessions.ts';
import { type User, users } from '../db/users.ts';
import type { TransactItem } from '../db/writes.ts';
import {
  EMAIL_CANCEL_DAYS,
  EMAIL_CHANGE_MAILS_PER_ADDRESS,
  EMAIL_CHANGES_PER_HOUR,
  EMAIL_CONFIRM_HOURS,
  RECOVERY_WINDOW_SECONDS,
  RESET_MAILS_PER_ADDRESS,
} from '../domain/recovery.ts';
import { normaliseEmail } from '../domain/user.ts';
import { Unprocessable } from '../errors.ts';
import { addressInUseMail, confirmEmailMail, emailChangedNotice, emailChangeNotice } from '../mail/account.ts';
import { sendMail, sendNotice } from '../mail/send.ts';
import { type ClientContext, recordActivity } from './activity.ts';
import { removeFactorsSince } from './factor-undo.ts';
import { type Also, rewriteByLink } from './link-use.ts';
import { checkPassword } from './password-attempts.ts';
import { InvalidRecoveryLink, mayMail } from './recovery.ts';

export const sameAddress = (a: string, b: string) => normaliseEmail(a) === normaliseEmail(b);

/** The profile fields that mark a change pending (written with the rest of an update). */
export const pendingFields = (email: string) => ({
  pending_email: email,
  pending_email_expires_at: new Date(Date.now() + EMAIL_CONFIRM_HOURS * 3600_000).toISOString(),
});

export interface EmailChangeLinks {
  confirm: string;
  cancel: string;
  /** Their Puts, for the transaction that marks the change pending. */
  puts: TransactItem[];
}

/**
 * The confirmation and cancel links of a change from `user`'s address to `newEmail`, written in the
 * same transaction as the pending change: a cancellation that sees the change (its profile version)
 * sees its cancel link too, so it can never miss and leave it usable (cancelEmailChange).
 */
export async function emailChangeLinks(user: User, newEmail: string): Promise<EmailChangeLinks> {
  await consumeRateLimit('email-changes', `user:${user.user_id}`, EMAIL_CHANGES_PER_HOUR, RECOVERY_WINDOW_SECONDS);
  const [confirm, cancel] = await Promise.all([
    links.prepare(user.user_id, 'email-confirm', EMAIL_CONFIRM_HOURS * 3600, { email: newEmail }),
    // Whether nobody had proven the old address: taking it back restores that, so a reset still removes the factors set up meanwhile.
    links.prepare(user.user_id, 'email-cancel', EMAIL_CANCEL_DAYS * 86_400, {
      old: user.email,
      new: newEmail,
      ...(user.address_unproven && { unproven: 'true' }),
    }),
  ]);
  return { confirm: confirm.token, cancel: cancel.token, puts: [confirm.put, cancel.put] };
}

/** After the pending change and its links are written: the two mails. */
export async function mailEmailChange(user: User, newEmail: string, { confirm, cancel }: EmailChangeLinks, client: ClientContext): Promise<void> {
  const [holder, mailAllowed] = await Promise.all([
    users.idBy('email', newEmail),
    // No mail bomb, and no budget another account can spend: at most as many mails to one new address an
    // hour from this account as reset sends, and a few more from all accounts (beyond, none, silently).
    mayMail('email-change-mails', newEmail, RESET_MAILS_PER_ADDRESS, `user:${user.user_id}:`).then(
      (allowed) => allowed && mayMail('email-change-mails', newEmail, EMAIL_CHANGE_MAILS_PER_ADDRESS),
    ),
  ]);
  const taken = holder !== undefined && holder !== user.user_id;
  await Promise.all([
    mailAllowed && sendMail(taken ? addressInUseMail(newEmail) : confirmEmailMail(newEmail, confirm, EMAIL_CONFIRM_HOURS)),
    sendNotice(emailChangeNotice(user.email, newEmail, cancel, EMAIL_CANCEL_DAYS)),
    recordActivity(user.user_id, 'email_change_requested', client),
  ]);
}

/** The links an email change's confirmation or cancellation withdraws: a reset or an invitation went to an address the account may no longer have. */
const withdrawnWithChange = (userId: string) => [links.withdraw(userId, 'reset'), links.withdraw(userId, 'invite')];

/**
 * A cancellation's transaction has room for this many later cancel links; the rest are swept before it.
 * DynamoDB takes at most 100 items; the rest of the transaction is the profile, the used link, three
 * withdrawals and the address markers (a release and a claim per lookup key, up to three keys each
 * during a key rotation): at most 11.
 */
const LATER_LINKS_IN_TRANSACTION = 80;

/** The confirmation link's request: its token and the password of the account that asked for the change. */
export interface EmailConfirmation {
  token: string;
  password: string;
  /** The device token of this client for that account, so the password counts on the device's own record. */
  device_token?: string;
}

/**
 * Follows the confirmation link from the new address: the address becomes the account's, proven.
 * The link alone is not enough: the password of the account that asked for the change is checked
 * (counted like a sign-in), so the owner of an address an attacker's account asked for, opening the
 * mail, cannot give the address away. A dead link spends no attempt. An account without a password
 * (passkeys only) cannot confirm this way: it sets a password first.
 */
export async function confirmEmail({ token, password, device_token }: EmailConfirmation, client: ClientContext): Promise<void> {
  const dead = () => new InvalidRecoveryLink('change your email again');
  const link = await links.find(token, 'email-confirm');
  const email = link?.data.email;
  if (!link || !email) throw dead();
  const account = await users.get(link.userId);
  if (!account?.pending_email || !sameAddress(account.pending_email, email)) throw dead();
  if (!account.password_hash)
    throw new Unprocessable('The account that asked for this change has no password: set one (with a passkey) and change the email again.', [
      { path: 'body.password', message: 'The account has no password to confirm with' },
    ]);
  const attempt = { subject: attemptsSubject.user(link.userId), userId: link.userId, deviceToken: device_token, sourceIp: client.sourceIp };
  if (!(await checkPassword(attempt, password, Promise.resolve(account.password_hash))).matches)
    throw new Unprocessable('This is not the password of the account that asked for this change.', [
      { path: 'body.password', message: 'Not the password of the account that asked for this change' },
    ]);
  const { before } = await rewriteByLink(
    link,
    (user) =>
      user.pending_email && sameAddress(user.pending_email, email)
        ? {
            ...user,
            email,
            email_verified_at: new Date().toISOString(),
            address_unproven: undefined,
            pending_email: undefined,
            pending_email_expires_at: undefined,
          }
        : undefined,
    async () => withdrawnWithChange(link.userId),
  ).catch((error) => {
    throw error instanceof UniquenessConflict ? dead() : error;
  });
  await Promise.all([claims.removeAll(email), recordActivity(link.userId, 'email_changed', client)]);
  await sendNotice(emailChangedNotice(before.email, email));
}

/**
 * Follows a "this wasn't me" link, mailed to the address a change moved away from: the account gets
 * that address back (while no other account has taken it), a pending change is dropped, pending
 * confirmation, reset and invitation links are withdrawn, and every session ends. The cancel links of
 * changes made after this one are withdrawn too (they would undo back to an address the owner just
 * took back); those of earlier changes stay. Second factors added since the change was asked are
 * removed: whoever asked for it may have added their own; and the password stops working until a reset
 * (they knew it). Later links that do not fit in the transaction are
 * swept before it: whatever happens to this link then (used here, or withdrawn by a concurrent
 * cancellation of an earlier change) withdraws them too, so none is left usable meanwhile.
 */
export async function cancelEmailChange(token: string, client: ClientContext): Promise<void> {
  const link = await links.find(token, 'email-cancel');
  const { old, new: moved } = link?.data ?? {};
  if (!link || !old || !moved) throw new InvalidRecoveryLink('sign in and check your address');
  const withdrawals = async (): Promise<Also> => {
    const later = await links.issuedAfter(link);
    await links.sweep(later.slice(LATER_LINKS_IN_TRANSACTION));
    return [
      links.withdraw(link.userId, 'email-confirm'),
      ...withdrawnWithChange(link.userId),
      ...later.slice(0, LATER_LINKS_IN_TRANSACTION).map(links.withdrawKey),
    ];
  };
  // Whoever asked for the change passed step-up: the password stops too, until a reset from the address taken back.
  const dropPending = (user: User): User => ({ ...user, pending_email: undefined, pending_email_expires_at: undefined, password_hash: undefined });
  const undo = (user: User): User => ({
    ...dropPending(user),
    ...(!sameAddress(user.email, old) && { email: old, ...(link.data.unproven === 'true' && { address_unproven: true as const }) }),
  });
  // Sessions and factors first: a failure after them leaves the link working for another try.
  await sessions.endAll(link.userId);
  await removeFactorsSince(link.userId, link.issuedAt);
  await rewriteByLink(link, undo, withdrawals).catch(async (error) => {
    if (!(error instanceof UniquenessConflict)) throw error;
    // The old address has been taken since: the account keeps its address, and the sessions still end below.
    await rewriteByLink(link, dropPending, withdrawals);
  });
  await Promise.all([sessions.endAll(link.userId), recordActivity(link.userId, 'email_change_cancelled', client)]);
}
