/** Passwords people cannot guess: a guessable one is refused wherever a password is set, naming the field. */
import { describe, expect, it } from 'vitest';
import { GUESSABLE_PASSWORD } from '../../shared/services/password-strength.ts';
import { PASSWORD, registerUser, signInAdmin, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';

const gateway = useGateway();
const api = () => gateway.api;
const WEAK = ['Summer2024!', 'P@ssw0rd123!', 'Winter2025!'];
const refusal = { path: 'body.password', message: GUESSABLE_PASSWORD };

describe('a guessable password', () => {
  it.each(WEAK)('%s is refused at sign-up, with nothing created', async (password) => {
    const email = uniqueEmail();
    const res = await api().post('/auth/register', { email, password, name: 'Sam' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors).toEqual([refusal]);
    expect((await api().post('/auth/register', { email, password: PASSWORD, name: 'Sam' })).status).toBe(202); // the same address signs up with a strong one
  });

  it("is refused when it is made of the account's own name or email", async () => {
    // Strong for a stranger (zxcvbn scores it 4), guessable for this account (2).
    const res = await api().post('/auth/register', { email: uniqueEmail('qwzxyplo'), password: 'Qwzxyplo2024!', name: 'Qwzxyplo Smith' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([refusal]);
  });

  it('is refused when an admin creates a user, and when a user changes their password', async () => {
    const admin = await signInAdmin(api());
    const created = await api().post(
      '/users',
      { email: uniqueEmail(), name: 'Sam', password: 'Summer2024!', current_password: PASSWORD },
      { token: admin.token },
    );
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([refusal]);

    const user = await registerUser(api());
    const change = await api().put(`/users/${user.id}`, { password: 'Summer2024!', current_password: PASSWORD }, { token: user.token });
    expect(change.status).toBe(400);
    expect(change.body.errors).toEqual([refusal]);
    expect((await api().post('/auth/login', { email: user.email, password: PASSWORD })).status).toBe(200); // unchanged
  });

  it('lets a strong one through everywhere', async () => {
    const user = await registerUser(api(), { password: 'Tulip-Kettle-Orbit-42' });
    const change = await api().put(`/users/${user.id}`, { password: 'plum-Harbor-7-Quill', current_password: 'Tulip-Kettle-Orbit-42' }, { token: user.token });
    expect(change.status).toBe(200);
  });
});
