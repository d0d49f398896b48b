import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { hashPassword } from '../../shared/crypto/passwords.ts';
import { users } from '../../shared/db/users.ts';
import type { Api } from './api.ts';

export const PASSWORD = 'Correct-Horse-9';

export const uniqueEmail = (tag = 'user') => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

export interface Account {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

/** Registers a user through the API and returns its id and tokens. */
export async function registerUser(api: Api, fields: Record<string, unknown> = {}): Promise<Account> {
  const email = (fields.email as string) ?? uniqueEmail();
  const res = await api.post('/auth/register', { email, password: PASSWORD, name: 'Test User', ...fields });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.user.user_id, email, token: res.body.access_token, refreshToken: res.body.refresh_token };
}

/** An admin, created the way `npm start` bootstraps one, then signed in through the API. */
export async function signInAdmin(api: Api): Promise<Account> {
  const email = uniqueEmail('admin');
  await users.create({ email, name: 'Admin', role: 'admin' }, await hashPassword(PASSWORD));
  const res = await api.post('/auth/login', { email, password: PASSWORD });
  expect(res.status, res.text).toBe(200);
  return { id: res.body.user.user_id, email, token: res.body.access_token, refreshToken: res.body.refresh_token };
}
