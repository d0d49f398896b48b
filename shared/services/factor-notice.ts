/**
 * A change to an account's second factors (a passkey added or removed, an authenticator turned on or
 * removed, recovery codes replaced) is recorded in its activity and mailed to its address, so an
 * intruder holding a session cannot add a factor of their own unseen. The notice of an added factor
 * carries a "this wasn't me" link (factor-undo.ts). The change has happened: a notice that cannot be
 * sent is logged (sendNotice) and does not undo it.
 */
import { totps } from '../db/factors.ts';
import { links } from '../db/links.ts';
import { passkeys } from '../db/passkeys.ts';
import { users } from '../db/users.ts';
import { FACTOR_UNDO_DAYS } from '../domain/recovery.ts';
import { type FactorChange, type FactorSummary, factorChangedNotice } from '../mail/account.ts';
import { sendNotice } from '../mail/send.ts';
import { type ClientContext, originOfClient, recordActivity } from './activity.ts';

const ACTIVITY = {
  passkey_added: 'passkey_added',
  passkey_removed: 'passkey_removed',
  totp_enabled: 'factor_added',
  totp_removed: 'factor_removed',
  recovery_codes_regenerated: 'recovery_codes_replaced',
} as const satisfies Record<FactorChange, string>;

/**
 * `addedSince`, for a factor added: a time before it was written, from which its notice's link removes
 * what was added. The link is bound to the address the notice goes to (factor-undo.ts). The factor is
 * in place: a link that cannot be made leaves the notice without it rather than unsent.
 */
export async function noticeFactorChange(userId: string, change: FactorChange, client: ClientContext, addedSince?: string): Promise<void> {
  const [user] = await Promise.all([users.get(userId), recordActivity(userId, ACTIVITY[change], client)]);
  if (!user) return;
  const undo =
    addedSince &&
    (await links.issue(userId, 'factor-undo', FACTOR_UNDO_DAYS * 86_400, { since: addedSince, email: user.email }).catch((error: unknown) => {
      console.warn(JSON.stringify({ level: 'WARN', message: 'undo link not made', error: error instanceof Error ? error.name : 'unknown' }));
      return undefined;
    }));
  await sendNotice(factorChangedNotice(user.email, change, originOfClient(client), undo ? { token: undo, days: FACTOR_UNDO_DAYS } : undefined));
}

/** The account's passkeys (by name) and whether an authenticator is on: what a reset notice lists, so an owner sees what to remove. */
export async function factorSummary(userId: string): Promise<FactorSummary> {
  const [keys, totp] = await Promise.all([passkeys.list(userId), totps.get(userId)]);
  return { passkeys: keys.map((key) => key.name), totp: totp?.active === true };
}

/** Removes every second factor of an account: its authenticator app, recovery codes and passkeys. */
export async function removeAllFactors(userId: string): Promise<void> {
  const keys = await passkeys.list(userId);
  await Promise.all([totps.remove(userId), ...keys.map((key) => passkeys.remove(userId, key.id))]);
}
