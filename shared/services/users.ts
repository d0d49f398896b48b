/** User operations with their access rules: admins see everyone, a user only themself (others → 404). */

import { hashPassword } from '../crypto/passwords.ts';
import { claims } from '../db/claims.ts';
import { links } from '../db/links.ts';
import { sessions } from '../db/sessions.ts';
import { toPublicUser, type User, type UserFields, users } from '../db/users.ts';
import { INVITE_DAYS } from '../domain/recovery.ts';
import type { Caller } from '../domain/user.ts';
import { assertVersion, type VersionCondition } from '../domain/versions.ts';
import { NotFound, NotPermitted, Unavailable } from '../errors.ts';
import { accountDeletedNotice, invitationMail, passwordChangedNotice } from '../mail/account.ts';
import { sendMail, sendNotice } from '../mail/send.ts';
import type { CreateUserBody, DeleteUserBody, PublicUser, UpdateUserBody } from '../schemas/users.ts';
import { type ClientContext, recordActivity } from './activity.ts';
import { emailChangeLinks, mailEmailChange, pendingFields, sameAddress } from './email-change.ts';
import { assertAdminFactor, offersStepUp, requireStepUp, type StepUpProof } from './factors.ts';
import { withOptimisticRetry } from './optimistic.ts';
import { paged } from './paging.ts';
import { assertUnguessable } from './password-strength.ts';
import { removeAccountData } from './privacy.ts';
import { setPasswordByLink } from './recovery.ts';

/** Creates an account (sign-up goes through here too). */
export async function createUser({
  password,
  role = 'user',
  current_password: _p,
  totp_code: _c,
  passkey: _k,
  device_token: _d,
  ...fields
}: CreateUserBody): Promise<User> {
  if (password !== undefined) await assertUnguessable(password, [fields.email, fields.name, fields.username]);
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  // The admin chose the password, so whoever holds it signs in without having proven the address.
  return users.create({ ...fields, role } as UserFields, passwordHash, { unproven: passwordHash !== undefined });
}

/**
 * Admin-created user. A new admin, or an account with a password the admin chose, needs the acting
 * admin's step-up: a stolen token can neither make itself an admin nor squat a free address with a
 * password it knows (the invitation, by contrast, goes to the address's owner).
 */
export async function addUser(caller: Caller, body: CreateUserBody, sourceIp: string): Promise<PublicUser> {
  await assertAdminFactor(caller);
  if (body.role === 'admin') await requireStepUp(caller, body, sourceIp, 'creating an admin');
  else if (body.password !== undefined) await requireStepUp(caller, body, sourceIp, 'creating an account with a password');
  const user = await createUser(body);
  if (body.password === undefined) {
    const token = await links.issue(user.user_id, 'invite', INVITE_DAYS * 86_400, { email: user.email });
    await sendMail(invitationMail(user.email, user.name, token, INVITE_DAYS)).catch(async (error: unknown) => {
      // SES busy (a 503): the invitation did not go out, so it is undone and the same request can be sent again.
      if (error instanceof Unavailable) await users.remove(user).then(() => removeAccountData(user.user_id));
      throw error;
    });
  }
  return toPublicUser(user);
}

/** Follows an invitation link: the invited account gets the password its owner chose, and its address counts as proven. */
export async function acceptInvitation(token: string, password: string, client: ClientContext): Promise<void> {
  const { user } = await setPasswordByLink(token, password, 'invite');
  await Promise.all([claims.removeAll(user.email), recordActivity(user.user_id, 'invitation_accepted', client)]);
}

async function visibleUser(caller: Caller, userId: string): Promise<User> {
  if (caller.id !== userId) await assertAdminFactor(caller);
  const user = caller.role === 'admin' || caller.id === userId ? await users.get(userId) : undefined;
  if (!user) throw new NotFound('No such user.');
  return user;
}

export const getUser = async (caller: Caller, userId: string): Promise<PublicUser> => toPublicUser(await visibleUser(caller, userId));

export async function listUsers(caller: Caller, query: { limit: number; cursor?: string; email?: string }) {
  await assertAdminFactor(caller);
  if (query.email) {
    const user = await users.findByEmail(query.email);
    return { items: user ? [toPublicUser(user)] : [], next_cursor: null };
  }
  return paged('users.list', query.cursor, (start) => users.list(query.limit, start), toPublicUser);
}

/** What a write needs of the request besides its body. */
export interface WriteContext extends ClientContext {
  condition: VersionCondition;
}

/**
 * What needs step-up (services/factors.ts): one's own email or password, deleting oneself, and an
 * admin's changes to anyone else's credentials, to an admin's role (one's own too), making an admin, or deleting
 * one, so that a stolen access token alone can take over neither an account nor the admins. A proof sent without
 * being needed is checked all the same.
 */
async function stepUpIfNeeded(caller: Caller, needed: boolean, proof: StepUpProof | undefined, sourceIp: string) {
  if (needed || offersStepUp(proof)) await requireStepUp(caller, proof, sourceIp);
}

/**
 * Partial update with optimistic locking. A new password or role closes every session of the user,
 * and a new password is notified by mail. A new email does not apply at once: it is pending until the
 * new address confirms it (services/email-change.ts).
 */
export async function updateUser(
  caller: Caller,
  userId: string,
  { current_password, totp_code, passkey, device_token, ...changes }: UpdateUserBody,
  { condition, ...client }: WriteContext,
): Promise<PublicUser> {
  const { sourceIp } = client;
  if (changes.role !== undefined && caller.role !== 'admin') throw new NotPermitted('Only an admin can change a role.');
  if (changes.password !== undefined) await assertUnguessable(changes.password, [changes.email, changes.name, changes.username]);
  const credentials = changes.email !== undefined || changes.password !== undefined;
  const target = caller.id === userId ? undefined : await visibleUser(caller, userId);
  // Anyone's credentials (a new password or address hands the account over), or an admin role given
  // or taken, one's own included (a stolen admin token must not strip its owner of the role).
  const adminRole = changes.role !== undefined && ((target ?? caller).role === 'admin' || changes.role === 'admin');
  await stepUpIfNeeded(caller, credentials || adminRole, { current_password, totp_code, passkey, device_token }, sourceIp);
  const { password, email, ...given } = changes;
  // null clears a field: undefined in `next` drops it from the stored profile.
  const fields = Object.fromEntries(Object.entries(given).map(([field, value]) => [field, value ?? undefined])) as Partial<UserFields>;
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  const { current, next, changeLinks } = await withOptimisticRetry(condition, async () => {
    const current = await visibleUser(caller, userId);
    assertVersion(condition, current.version);
    const changeLinks = email !== undefined && !sameAddress(email, current.email) ? await emailChangeLinks(current, email) : undefined;
    const next: User = {
      ...current,
      ...fields,
      // A new password withdraws a pending email change (its link no longer matches), unless this very request makes one.
      ...(passwordHash && { password_hash: passwordHash, pending_email: undefined, pending_email_expires_at: undefined }),
      // An admin chose this password: whoever holds it has not proven the address (services/recovery.ts).
      ...(passwordHash && target !== undefined && { address_unproven: true as const }),
      ...(changeLinks && email !== undefined && pendingFields(email)),
      version: current.version + 1,
      updated_at: new Date().toISOString(),
    };
    await users.replace(current, next, changeLinks?.puts);
    return { current, next, changeLinks };
  });
  if (passwordHash || (changes.role && changes.role !== current.role)) await sessions.endAll(userId);
  if (passwordHash) await Promise.all([recordActivity(userId, 'password_changed', client), sendNotice(passwordChangedNotice(next.email))]);
  if (changeLinks && email !== undefined) await mailEmailChange(next, email, changeLinks, client);
  return toPublicUser(next);
}

/**
 * Deletes the profile and markers atomically (the email is free again at once), then everything else
 * that names the user (privacy.ts). Payments stay: they are financial records. Deleting oneself needs
 * the current password.
 */
export async function deleteUser(caller: Caller, userId: string, body: DeleteUserBody, { condition, sourceIp }: WriteContext): Promise<void> {
  const target = caller.id === userId ? undefined : await visibleUser(caller, userId);
  await stepUpIfNeeded(caller, caller.id === userId || target?.role === 'admin', body, sourceIp);
  // Like updates: a concurrent change is a 412 with If-Match, and simply re-read without it.
  const deleted = await withOptimisticRetry(condition, async () => {
    const user = await visibleUser(caller, userId);
    assertVersion(condition, user.version);
    await users.remove(user);
    return user;
  });
  await removeAccountData(userId);
  await sendNotice(accountDeletedNotice(deleted.email));
}
