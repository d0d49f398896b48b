import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, signInAdmin, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { nextCode } from '../support/totp.ts';

const gateway = useGateway();
const api = () => gateway.api;

describe('admins need a second factor', () => {
  it('answers 403 on admin routes to an admin without one, and serves them once one is on', async () => {
    const admin = await signInAdmin(api(), { withFactor: false });
    const refused = await api().get('/users', { token: admin.token });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('second factor');
    const user = await registerUser(api());
    expect((await api().get(`/users/${user.id}`, { token: admin.token })).status).toBe(403);
    expect((await api().get(`/users/${admin.id}`, { token: admin.token })).status).toBe(200); // their own profile
    const started = await api().post('/me/totp', { current_password: PASSWORD }, { token: admin.token });
    expect((await api().post('/me/totp/confirm', { code: await nextCode(started.body.secret) }, { token: admin.token })).status).toBe(200);
    expect((await api().get('/users', { token: admin.token })).status).toBe(200);
  });
});

describe('a stolen admin token (no step-up proof)', () => {
  it('cannot create an admin or an account with a password it chose; the acting admin’s password or code can', async () => {
    const admin = await signInAdmin(api());
    const body = { email: uniqueEmail('new-admin'), name: 'Eve', password: PASSWORD, role: 'admin' };
    const bare = await api().post('/users', body, { token: admin.token });
    expect(bare.status).toBe(400);
    expect(bare.body.errors[0].path).toBe('body.current_password');
    expect((await api().post('/users', { ...body, current_password: 'Wrong-Pass-1' }, { token: admin.token })).status).toBe(403);
    expect((await api().get(`/users?email=${encodeURIComponent(body.email)}`, { token: admin.token })).body.items).toEqual([]);
    expect((await api().post('/users', { ...body, totp_code: await nextCode(admin.totpSecret ?? '') }, { token: admin.token })).status).toBe(201);
    // An ordinary user, invited to choose a password, needs no step-up; one with a password the admin
    // chose does (a stolen token would squat the address with a password it knows).
    expect((await api().post('/users', { email: uniqueEmail(), name: 'Joe' }, { token: admin.token })).status).toBe(201);
    const squat = { email: uniqueEmail('squat'), name: 'Squatter', password: PASSWORD };
    expect((await api().post('/users', squat, { token: admin.token })).body.errors[0].path).toBe('body.current_password');
    expect((await api().post('/auth/login', { email: squat.email, password: PASSWORD })).status).toBe(401);
    expect((await api().post('/users', { ...squat, current_password: PASSWORD }, { token: admin.token })).status).toBe(201);
  });

  it("cannot change another admin's password, email or role, a user's password or email, or promote a user; with step-up it can", async () => {
    const [admin, other] = [await signInAdmin(api()), await signInAdmin(api())];
    const user = await registerUser(api());
    for (const change of [{ password: 'New-Password-42' }, { email: uniqueEmail() }, { role: 'user' }]) {
      const res = await api().patch(`/users/${other.id}`, change, { token: admin.token });
      expect(res.status, JSON.stringify(change)).toBe(400);
    }
    expect((await api().patch(`/users/${user.id}`, { role: 'admin' }, { token: admin.token })).status).toBe(400);
    // Nor a user's credentials: a new password or address would hand the account to whoever holds the token.
    for (const change of [{ password: 'New-Password-42' }, { email: uniqueEmail() }])
      expect((await api().patch(`/users/${user.id}`, change, { token: admin.token })).status, JSON.stringify(change)).toBe(400);
    expect((await api().patch(`/users/${other.id}`, { name: 'Renamed' }, { token: admin.token })).status).toBe(200); // not a credential
    expect((await api().get('/users', { token: other.token })).status).toBe(200); // still an admin, still signed in
    const demoted = await api().patch(`/users/${other.id}`, { role: 'user', current_password: PASSWORD }, { token: admin.token });
    expect(demoted.status, demoted.text).toBe(200);
    expect(demoted.body.role).toBe('user');
  });

  it('cannot delete another admin; with step-up it can', async () => {
    const [admin, other] = [await signInAdmin(api()), await signInAdmin(api())];
    expect((await api().delete(`/users/${other.id}`, { token: admin.token })).status).toBe(400);
    expect((await api().get(`/users/${other.id}`, { token: admin.token })).status).toBe(200);
    expect((await api().delete(`/users/${other.id}`, { token: admin.token, body: { totp_code: await nextCode(admin.totpSecret ?? '') } })).status).toBe(204);
    // An ordinary user is deleted as before, without a body.
    const user = await registerUser(api());
    expect((await api().delete(`/users/${user.id}`, { token: admin.token })).status).toBe(204);
  });
});
