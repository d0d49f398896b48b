import { randomUUID } from 'node:crypto';
import { Secret } from 'otpauth';
import { expect, vi } from 'vitest';
import { hashPassword } from '../../shared/crypto/passwords.ts';
import { totps } from '../../shared/db/factors.ts';
import { users } from '../../shared/db/users.ts';
import { defined } from '../../tools/values.ts';
import type { Api } from './api.ts';
import type { CallOptions } from './http-client.ts';
import { mailbox } from './mailbox.ts';

export const PASSWORD = 'Correct-Horse-9';

export const uniqueEmail = (tag = 'user') => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

export interface Account {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
  /** The device token the verifying sign-in gave this client. */
  deviceToken: string;
}

/** The token of the newest sign-up link mailed to `email`, once `count` mails have arrived there. */
export async function verificationToken(email: string, count = 1): Promise<string> {
  const mails = await mailbox().waitFor(email, count);
  const mail = mails.at(-1);
  const token = mail && /#verify=([\w-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no sign-up link in the newest mail to ${email}: “${mail?.subject}”`);
  return token;
}

/**
 * Signs a user up as a person does: registers, reads the link in the mail, verifies (with `client`'s
 * headers and address, as the browser that follows the link); returns its id and tokens.
 */
export async function registerUser(api: Api, fields: Record<string, unknown> = {}, client: Pick<CallOptions, 'headers' | 'from'> = {}): Promise<Account> {
  const email = (fields.email as string) ?? uniqueEmail();
  const before = (await mailbox().received(email)).length;
  const res = await api.post('/auth/register', { email, password: PASSWORD, name: 'Test User', ...fields }, client);
  expect(res.status, res.text).toBe(202);
  const password = (fields.password as string) ?? PASSWORD;
  const verified = await api.post('/auth/verify', { token: await verificationToken(email, before + 1), password }, client);
  expect(verified.status, verified.text).toBe(200);
  return {
    id: verified.body.user.user_id,
    email,
    token: verified.body.access_token,
    refreshToken: verified.body.refresh_token,
    deviceToken: verified.body.device_token,
  };
}

/**
 * An admin, created the way `npm start` bootstraps one and signed in through the API; then given an
 * authenticator (admin routes need a second factor), whose secret `totpSecret` holds.
 */
export async function signInAdmin(api: Api, { withFactor = true } = {}): Promise<Account & { totpSecret?: string }> {
  const email = uniqueEmail('admin');
  await users.create({ email, name: 'Admin', role: 'admin' }, await hashPassword(PASSWORD));
  const res = await api.post('/auth/login', { email, password: PASSWORD });
  expect(res.status, res.text).toBe(200);
  const account = { id: res.body.user.user_id, email, token: res.body.access_token, refreshToken: res.body.refresh_token, deviceToken: res.body.device_token };
  if (!withFactor) return account;
  const totpSecret = new Secret({ size: 20 }).base32;
  await totps.startPending(account.id, totpSecret);
  await totps.acceptStep(account.id, 0, true);
  return { ...account, totpSecret };
}

/** Resets a password as its owner does: asks for a link, reads the new one from the mailbox, sets `password` with it. */
export async function resetByMail(api: Api, email: string, password: string): Promise<void> {
  const resets = async () => (await mailbox().received(email)).filter((mail) => mail.subject === 'Reset your password');
  const before = (await resets()).length;
  expect((await api.post('/auth/password/forgot', { email })).status).toBe(202);
  const mail = await vi.waitFor(async () => defined((await resets())[before], `a new reset mail to ${email}`), { timeout: 30_000, interval: 50 });
  const reset = await api.post('/auth/password/reset', { token: /#reset=([\w.-]+)/.exec(mail.text)?.[1], password });
  expect(reset.status, reset.text).toBe(204);
}
