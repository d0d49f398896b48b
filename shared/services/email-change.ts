/**
 * An email change that proves the new address: asking only marks it pending and mails the new
 * address a confirmation link and the old one a notice with a link that cancels (or undoes) it. The
 * uniqueness marker moves only on confirmation. A new address another account has gets the same
 * answer, and the same work; its owner is told someone tried, and no link goes out.
 */
import { claims } from '../db/claims.ts';
import { type Link, links } from '../db/links.ts';
import { UniquenessConflict } from '../db/markers.ts';
import { sessions } from '../db/sessions.ts';
import { type User, users } from '../db/users.ts';
import { StaleVersion } from '../db/writes.ts';
import { EMAIL_CANCEL_DAYS, EMAIL_CONFIRM_HOURS, RESET_MAILS_PER_ADDRESS } from '../domain/recovery.ts';
import { normaliseEmail } from '../domain/user.ts';
import { addressInUseMail, confirmEmailMail, emailChangedNotice, emailChangeNotice } from '../mail/account.ts';
import { sendMail, sendNotice } from '../mail/send.ts';
import { retry } from '../retry.ts';
import { type ClientContext, recordActivity } from './activity.ts';
import { InvalidRecoveryLink, mayMail } from './recovery.ts';

export const sameAddress = (a: string, b: string) => normaliseEmail(a) === normaliseEmail(b);

/** The profile fields that mark a change pending (written with the rest of an update). */
export const pendingFields = (email: string) => ({
  pending_email: email,
  pending_email_expires_at: new Date(Date.now() + EMAIL_CONFIRM_HOURS * 3600_000).toISOString(),
});

/** After the pending change is written: the links and the two mails. */
export async function mailEmailChange(user: User, newEmail: string, client: ClientContext): Promise<void> {
  const [holder, mailAllowed, confirm, cancel] = await Promise.all([
    users.idBy('email', newEmail),
    // At most as many mails to one new address an hour as reset sends (beyond, none, silently): no mail bomb.
    mayMail('email-change-mails', newEmail, RESET_MAILS_PER_ADDRESS),
    links.issue(user.user_id, 'email-confirm', EMAIL_CONFIRM_HOURS * 3600, { email: newEmail }),
    links.issue(user.user_id, 'email-cancel', EMAIL_CANCEL_DAYS * 86_400, { old: user.email, new: newEmail }),
  ]);
  const taken = holder !== undefined && holder !== user.user_id;
  await Promise.all([
    mailAllowed && sendMail(taken ? addressInUseMail(newEmail) : confirmEmailMail(newEmail, confirm, EMAIL_CONFIRM_HOURS)),
    sendNotice(emailChangeNotice(user.email, newEmail, cancel, EMAIL_CANCEL_DAYS)),
    recordActivity(user.user_id, 'email_change_requested', client),
  ]);
}

/** Re-reads and rewrites the profile a link names until no concurrent write gets in between. */
async function rewrite(
  link: Link,
  change: (user: User) => User | undefined,
  extra: Parameters<typeof users.replace>[2] = [],
): Promise<{ before: User; after: User }> {
  return retry(
    async () => {
      const before = await users.get(link.userId);
      const changed = before && change(before);
      if (!before || !changed) throw new InvalidRecoveryLink('ask again');
      const after: User = { ...changed, version: before.version + 1, updated_at: new Date().toISOString() };
      await users.replace(before, after, [links.consume(link, () => new InvalidRecoveryLink('ask again')), ...extra]);
      return { before, after };
    },
    { attempts: 5, baseMs: 10, retryable: (error) => error instanceof StaleVersion },
  );
}

/** Follows the confirmation link from the new address: the address becomes the account's, proven. */
export async function confirmEmail(token: string, client: ClientContext): Promise<void> {
  const link = await links.find(token, 'email-confirm');
  const email = link?.data.email;
  if (!link || !email) throw new InvalidRecoveryLink('change your email again');
  const { before } = await rewrite(link, (user) =>
    user.pending_email && sameAddress(user.pending_email, email)
      ? { ...user, email, email_verified_at: new Date().toISOString(), pending_email: undefined, pending_email_expires_at: undefined }
      : undefined,
  ).catch((error) => {
    throw error instanceof UniquenessConflict ? new InvalidRecoveryLink('change your email again') : error;
  });
  await Promise.all([claims.removeAll(email), recordActivity(link.userId, 'email_changed', client)]);
  await sendNotice(emailChangedNotice(before.email, email));
}

/**
 * Follows the "this wasn't me" link from the old address: a pending change is dropped, a confirmed
 * one undone (while the old address is still free), and every session ends.
 */
export async function cancelEmailChange(token: string, client: ClientContext): Promise<void> {
  const link = await links.find(token, 'email-cancel');
  const { old, new: moved } = link?.data ?? {};
  if (!link || !old || !moved) throw new InvalidRecoveryLink('sign in and check your address');
  const undo = (user: User): User => ({
    ...user,
    ...(sameAddress(user.email, moved) && { email: old }),
    pending_email: undefined,
    pending_email_expires_at: undefined,
  });
  await rewrite(link, undo, [links.withdraw(link.userId, 'email-confirm')]).catch(async (error) => {
    if (!(error instanceof UniquenessConflict)) throw error;
    // The old address has been taken since: the change stays, and the sessions still end below.
    await rewrite(link, (user) => ({ ...user, pending_email: undefined, pending_email_expires_at: undefined }));
  });
  await Promise.all([sessions.endAll(link.userId), recordActivity(link.userId, 'email_change_cancelled', client)]);
}
