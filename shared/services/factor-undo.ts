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
import { type User, users } from '../db/users.ts';
import { normaliseEmail } from '../domain/user.ts';
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

/** What a link that no longer works says to do instead. */
const HINT = 'sign in and check your passkeys and authenticator app';

/**
 * Follows the link of an added factor's notice. It holds only while the account still has the address
 * the notice went to: links mailed to an intruder's address stop when the owner takes it back. The
 * sessions end and the factors go first, and only then is the link used up (with the password, in one
 * transaction), so a failure on the way leaves the link working for another try. A passkey sign-in
 * racing it opens no session once the passkey is gone (sessions.start), and one opened before is
 * ended by the last step.
 */
export async function undoFactorChange(token: string, client: ClientContext): Promise<void> {
  const link = await links.find(token, 'factor-undo');
  const { since, email } = link?.data ?? {};
  const mailedHere = (user: User | undefined): user is User =>
    user !== undefined && email !== undefined && normaliseEmail(user.email) === normaliseEmail(email);
  if (!link || !since || !mailedHere(await users.get(link.userId))) throw new InvalidRecoveryLink(HINT);
  await sessions.endAll(link.userId);
  await removeFactorsSince(link.userId, since);
  await rewriteByLink(
    link,
    (user) => (mailedHere(user) ? { ...user, password_hash: undefined } : undefined),
    async () => [],
    HINT,
  );
  await Promise.all([sessions.endAll(link.userId), recordActivity(link.userId, 'factors_undone', client)]);
}
