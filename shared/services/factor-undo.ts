/**
 * "This wasn't me" for second factors. An intruder holding an account's password and a session can
 * add a factor of their own: a passkey (which signs in alone) or an authenticator app (which then
 * guards the account against its owner). A reset from the mailbox does not remove it (else the
 * mailbox alone would get past every second factor), so the notice of each added factor carries a
 * link, valid FACTOR_UNDO_DAYS, that removes it and everything added since, ends every session and
 * stops the password (the intruder knows it) until the owner resets it from the same mailbox.
 */
import { recoveryCodes, totps } from '../db/factors.ts';
import { links } from '../db/links.ts';
import { passkeys } from '../db/passkeys.ts';
import { sessions } from '../db/sessions.ts';
import { type ClientContext, recordActivity } from './activity.ts';
import { rewriteByLink } from './link-use.ts';
import { InvalidRecoveryLink } from './recovery.ts';

/** Removes the second factors added at or after `since` (ISO 8601): passkeys, an authenticator app (with its codes), recovery codes. */
export async function removeFactorsSince(userId: string, since: string): Promise<void> {
  const [keys, totp, codesMadeAt] = await Promise.all([passkeys.list(userId), totps.get(userId), recoveryCodes.madeAt(userId)]);
  const totpAdded = totp !== undefined && totp.addedAt >= since;
  await Promise.all([
    ...keys.filter((key) => key.createdAt >= since).map((key) => passkeys.remove(userId, key.id)),
    totpAdded && totps.remove(userId),
    !totpAdded && codesMadeAt !== undefined && codesMadeAt >= since && recoveryCodes.remove(userId),
  ]);
}

/**
 * Follows the link of an added factor's notice. The password goes first, in the transaction that uses
 * the link up (a sign-in racing it opens no session: sessions open on the profile version it read);
 * sessions end before and after the factors go, so a passkey sign-in between the two is ended too.
 */
export async function undoFactorChange(token: string, client: ClientContext): Promise<void> {
  const link = await links.find(token, 'factor-undo');
  const since = link?.data.since;
  if (!link || !since) throw new InvalidRecoveryLink('sign in and check your passkeys and authenticator app');
  await rewriteByLink(
    link,
    (user) => ({ ...user, password_hash: undefined }),
    async () => [],
  );
  await sessions.endAll(link.userId);
  await removeFactorsSince(link.userId, since);
  await Promise.all([sessions.endAll(link.userId), recordActivity(link.userId, 'factors_undone', client)]);
}
