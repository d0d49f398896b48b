import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, signInAdmin, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';
import { enrolTotp, nextCode } from '../support/totp.ts';

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

  it('cannot strip its own admin of the role: demoting oneself needs step-up too', async () => {
    const [admin] = [await signInAdmin(api()), await signInAdmin(api())];
    const bare = await api().patch(`/users/${admin.id}`, { role: 'user' }, { token: admin.token });
    expect([bare.status, bare.body.errors?.[0]?.path]).toEqual([400, 'body.current_password']);
    expect((await api().get('/users', { token: admin.token })).status).toBe(200); // still an admin
    expect((await api().patch(`/users/${admin.id}`, { role: 'user', current_password: PASSWORD }, { token: admin.token })).status).toBe(200);
  });

  it('marks the address of an account whose password it set as unproven: the owner’s reset removes what the holder set up', async () => {
    const admin = await signInAdmin(api());
    const email = uniqueEmail('invited');
    const invited = await api().post('/users', { email, name: 'Invited' }, { token: admin.token });
    expect(invited.status, invited.text).toBe(201);
    const set = await api().patch(`/users/${invited.body.user_id}`, { password: 'Holder-Known-Pass-5', current_password: PASSWORD }, { token: admin.token });
    expect(set.status, set.text).toBe(200);
    const holder = await api().post('/auth/login', { email, password: 'Holder-Known-Pass-5' });
    expect(holder.status).toBe(200);
    await enrolTotp(api(), holder.body.access_token, 'Holder-Known-Pass-5');

    const before = (await mailbox().received(email)).length;
    expect((await api().post('/auth/password/forgot', { email })).status).toBe(202);
    const reset = (await mailbox().waitFor(email, before + 1)).at(-1)?.text.match(/#reset=([\w.-]+)/)?.[1];
    expect((await api().post('/auth/password/reset', { token: reset, password: 'Owners-Own-Pass-6' })).status).toBe(204);
    const owner = await api().post('/auth/login', { email, password: 'Owners-Own-Pass-6' });
    expect(owner.body.access_token, owner.text).toEqual(expect.any(String)); // no second-factor challenge
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
