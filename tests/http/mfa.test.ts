import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { enrolTotp, nextCode, wrongCode } from '../support/totp.ts';

const gateway = useGateway();
const api = () => gateway.api;

async function challengeFor(email: string): Promise<string> {
  const res = await api().post('/auth/login', { email, password: PASSWORD });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({ mfa_required: true, challenge: expect.any(String), methods: ['totp', 'recovery_code'] });
  expect(res.body.access_token).toBeUndefined();
  return res.body.challenge;
}

describe('TOTP second factor', () => {
  it('enrol, confirm, and from then on a password yields a challenge that a code turns into tokens, once', async () => {
    const user = await registerUser(api());
    const { secret, recoveryCodes } = await enrolTotp(api(), user.token);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const challenge = await challengeFor(user.email);
    const code = await nextCode(secret);
    const signedIn = await api().post('/auth/login/mfa', { challenge, code });
    expect(signedIn.status, signedIn.text).toBe(200);
    expect(signedIn.body.user.user_id).toBe(user.id);
    expect((await api().get('/me', { token: signedIn.body.access_token })).status).toBe(200);

    // The challenge is single-use, and the same code is refused on a fresh challenge too (no replay).
    expect((await api().post('/auth/login/mfa', { challenge, code: await nextCode(secret) })).status).toBe(401);
    const replay = await api().post('/auth/login/mfa', { challenge: await challengeFor(user.email), code });
    expect(replay.status).toBe(401);
  });

  it('refuses a replayed code even when two requests carry it at once', async () => {
    const user = await registerUser(api());
    const { secret } = await enrolTotp(api(), user.token);
    const [a, b] = [await challengeFor(user.email), await challengeFor(user.email)];
    const code = await nextCode(secret);
    const results = await Promise.all([a, b].map((challenge) => api().post('/auth/login/mfa', { challenge, code })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('ends a challenge at its fifth wrong code: even the right code is refused after', async () => {
    const user = await registerUser(api());
    const { secret } = await enrolTotp(api(), user.token);
    const challenge = await challengeFor(user.email);
    for (let i = 0; i < 5; i++) expect((await api().post('/auth/login/mfa', { challenge, code: wrongCode(secret) })).status).toBe(401);
    const late = await api().post('/auth/login/mfa', { challenge, code: await nextCode(secret) });
    expect(late.status).toBe(401);
    expect(late.body.detail).toContain('sign in again');
  });

  it('GET /me/totp tells the owner whether it is on (a pending one is not) and how many recovery codes are left', async () => {
    const user = await registerUser(api());
    const state = async () => (await api().get('/me/totp', { token: user.token })).body;
    expect(await state()).toEqual({ enabled: false, recovery_codes_left: 0 });
    await api().post('/me/totp', { current_password: PASSWORD }, { token: user.token });
    expect(await state()).toEqual({ enabled: false, recovery_codes_left: 0 });
    await api().delete('/me/totp', { token: user.token, body: { current_password: PASSWORD } });
    const { recoveryCodes } = await enrolTotp(api(), user.token);
    expect(await state()).toEqual({ enabled: true, recovery_codes_left: 10 });
    await api().post('/auth/login/mfa', { challenge: await challengeFor(user.email), recovery_code: recoveryCodes[0] });
    expect(await state()).toEqual({ enabled: true, recovery_codes_left: 9 });
    expect((await api().get('/me/totp')).status).toBe(401);
  });

  it('takes each recovery code once', async () => {
    const user = await registerUser(api());
    const { recoveryCodes } = await enrolTotp(api(), user.token);
    const recovery_code = recoveryCodes[3];
    expect((await api().post('/auth/login/mfa', { challenge: await challengeFor(user.email), recovery_code })).status).toBe(200);
    expect((await api().post('/auth/login/mfa', { challenge: await challengeFor(user.email), recovery_code })).status).toBe(401);
    expect((await api().post('/auth/login/mfa', { challenge: await challengeFor(user.email), recovery_code: recoveryCodes[4]?.toUpperCase() })).status).toBe(
      200,
    );
  });

  it('regenerating recovery codes needs step-up and retires the old ones', async () => {
    const user = await registerUser(api());
    const { secret, recoveryCodes } = await enrolTotp(api(), user.token);
    const bare = await api().post('/me/recovery-codes', {}, { token: user.token });
    expect(bare.status).toBe(400);
    expect(bare.body.errors[0].path).toBe('body.current_password');
    const fresh = await api().post('/me/recovery-codes', { totp_code: await nextCode(secret) }, { token: user.token });
    expect(fresh.status, fresh.text).toBe(200);
    expect((await api().post('/auth/login/mfa', { challenge: await challengeFor(user.email), recovery_code: recoveryCodes[0] })).status).toBe(401);
    expect((await api().post('/auth/login/mfa', { challenge: await challengeFor(user.email), recovery_code: fresh.body.recovery_codes[0] })).status).toBe(200);
  });

  it('starting and removing an authenticator need step-up: password or code, never the token alone', async () => {
    const user = await registerUser(api());
    expect((await api().post('/me/totp', {}, { token: user.token })).status).toBe(400);
    expect((await api().post('/me/totp', { current_password: 'Wrong-Pass-1' }, { token: user.token })).status).toBe(403);
    const { secret } = await enrolTotp(api(), user.token);
    expect((await api().post('/me/totp', { current_password: PASSWORD }, { token: user.token })).status).toBe(409);
    expect((await api().delete('/me/totp', { token: user.token, body: {} })).status).toBe(400);
    expect((await api().delete('/me/totp', { token: user.token, body: { totp_code: wrongCode(secret) } })).status).toBe(403);
    expect((await api().delete('/me/totp', { token: user.token, body: { totp_code: await nextCode(secret) } })).status).toBe(204);
    const plain = await api().post('/auth/login', { email: user.email, password: PASSWORD });
    expect(plain.body.access_token).toEqual(expect.any(String));
  });

  it('a wrong confirmation code leaves the authenticator off', async () => {
    const user = await registerUser(api());
    const started = await api().post('/me/totp', { current_password: PASSWORD }, { token: user.token });
    const res = await api().post('/me/totp/confirm', { code: wrongCode(started.body.secret) }, { token: user.token });
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual({ path: 'body.code', message: 'Incorrect code' });
    expect((await api().post('/auth/login', { email: user.email, password: PASSWORD })).body.access_token).toEqual(expect.any(String));
  });
});
