/**
 * A change to an account's second factors is never silent: each adding or removing of a passkey,
 * turning an authenticator on or off and replacing recovery codes is in GET /me/activity and mailed
 * to the account's address (an intruder holding a session cannot add their own passkey unseen).
 */
import { describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../../tools/local/software-authenticator.ts';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';
import { enrolTotp, nextCode } from '../support/totp.ts';

const gateway = useGateway({}, {}, { selfOrigin: true });
const api = () => gateway.api;

describe('factor changes', () => {
  it('are recorded in the activity and each mailed to the owner, naming the device', async () => {
    const user = await registerUser(api(), {}, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0' } });
    const token = user.token;
    const before = (await mailbox().received(user.email)).length;

    const options = await api().post('/me/passkeys/options', { current_password: PASSWORD }, { token });
    expect(options.status, options.text).toBe(200);
    const created = await api().post(
      '/me/passkeys',
      { name: 'Laptop', credential: new SoftwareAuthenticator(new URL(api().baseUrl).origin).create(options.body) },
      { token },
    );
    expect(created.status, created.text).toBe(201);
    const removed = await api().delete(`/me/passkeys/${created.body.passkey_id}`, { body: { current_password: PASSWORD }, token });
    expect(removed.status, removed.text).toBe(204);
    const { secret } = await enrolTotp(api(), token);
    const codes = await api().post('/me/recovery-codes', { current_password: PASSWORD }, { token });
    expect(codes.status, codes.text).toBe(200);
    const off = await api().delete('/me/totp', { body: { totp_code: await nextCode(secret) }, token });
    expect(off.status, off.text).toBe(204);

    const activity = await api().get('/me/activity', { token });
    expect(activity.body.items.map((e: { type: string }) => e.type).slice(0, 5)).toEqual([
      'factor_removed',
      'recovery_codes_replaced',
      'factor_added',
      'passkey_removed',
      'passkey_added',
    ]);

    const mails = (await mailbox().waitFor(user.email, before + 5)).slice(before);
    expect(mails.map((m) => m.subject)).toEqual([
      'A passkey was added to your account',
      'A passkey was removed from your account',
      'An authenticator app was turned on',
      'New recovery codes were made',
      'Your authenticator app was removed',
    ]);
    const origin = new URL(api().baseUrl).origin;
    for (const mail of mails) {
      expect(mail.text).toMatch(/from .+ \(network /);
      // An added factor's notice has a link that undoes it (tests/http/factor-undo.test.ts); a removal's leads to the profile.
      expect(mail.text).toContain(mail.subject.includes('removed') ? `${origin}/#/profile` : `${origin}/#undo-factor=`);
    }
  });

  it('the password-reset notice lists the passkeys left and whether an authenticator app is on', async () => {
    const user = await registerUser(api());
    const options = await api().post('/me/passkeys/options', { current_password: PASSWORD }, { token: user.token });
    const credential = new SoftwareAuthenticator(new URL(api().baseUrl).origin).create(options.body);
    expect((await api().post('/me/passkeys', { name: 'Intruder phone', credential }, { token: user.token })).status).toBe(201);
    await enrolTotp(api(), user.token);
    const count = (await mailbox().received(user.email)).length;
    expect((await api().post('/auth/password/forgot', { email: user.email })).status).toBe(202);
    const [mail] = (await mailbox().waitFor(user.email, count + 1)).slice(count);
    const token = mail?.text
      .split(/\s+/)
      .find((word) => word.includes('#reset='))
      ?.split('#reset=')[1];
    const reset = await api().post('/auth/password/reset', { token, password: 'Lantern-Orbit-Cactus-7' });
    expect(reset.status, reset.text).toBe(204);
    const notice = (await mailbox().waitFor(user.email, count + 2)).find((m) => m.subject === 'Your password was reset');
    expect(notice?.text).toContain("Your account's passkeys: Intruder phone.");
    expect(notice?.text).toContain('An authenticator app is on for your account.');
  });
});
