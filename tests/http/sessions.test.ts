/**
 * Sessions an owner can read: each shows the device and network it signed in from, how, and when it
 * was created and last used; a sign-in from a device the account has not seen mails its owner.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('GET /me/sessions', () => {
  it('shows each session with its device, coarse network, method, and when it was created and last used', async () => {
    const email = uniqueEmail();
    await registerUser(api(), { email, name: 'Ada' }, { headers: { 'user-agent': FIREFOX }, from: '127.0.3.7' }); // its link followed in Firefox
    const phone = await api().post('/auth/login', { email, password: PASSWORD }, { headers: { 'user-agent': SAFARI_IPHONE }, from: '127.0.4.9' });
    expect(phone.status).toBe(200);

    const list = async () => (await api().get('/me/sessions', { token: phone.body.access_token })).body.items as Record<string, unknown>[];
    const before = await list();
    expect(before).toHaveLength(2);
    const firefox = before.find((s) => s.device === 'Firefox 128 on Windows');
    const iphone = before.find((s) => s.device === 'Safari 17 on iOS');
    expect(firefox).toMatchObject({ network: '127.0.3.0/24', method: 'password', current: false });
    expect(iphone).toMatchObject({ network: '127.0.4.0/24', method: 'password', current: true });
    expect(iphone?.last_used_at).toBe(iphone?.created_at);

    // A refresh marks the session used; the other is unchanged.
    await expect.poll(() => Date.now()).toBeGreaterThan(Date.parse(String(iphone?.created_at)) + 5); // a later millisecond
    const refreshed = await api().post('/auth/token', { refresh_token: phone.body.refresh_token });
    expect(refreshed.status).toBe(200);
    const after = await list();
    const iphoneAfter = after.find((s) => s.session_id === iphone?.session_id);
    expect(Date.parse(String(iphoneAfter?.last_used_at))).toBeGreaterThan(Date.parse(String(iphone?.created_at)));
    expect(after.find((s) => s.session_id === firefox?.session_id)?.last_used_at).toBe(firefox?.last_used_at);

    // Device and network are sealed at rest, like other personal fields.
    const stored = JSON.stringify(await scanTable());
    expect(stored).not.toContain('Safari 17');
    expect(stored).not.toContain('127.0.4.0');
  });
});

describe('a sign-in from a new device', () => {
  it('mails the owner what signed in and from where; a recognised device does not', async () => {
    const signUp = await registerUser(api(), { name: 'Ada' });
    const { email } = signUp;
    const subjects = async () => (await mailbox().received(email)).map((mail) => mail.subject);
    const [verification] = await subjects(); // following the sign-up link is not a new device to warn about
    expect(await subjects()).toEqual([verification]);

    const other = await api().post('/auth/login', { email, password: PASSWORD }, { headers: { 'user-agent': FIREFOX }, from: '127.0.5.20' });
    expect(other.status).toBe(200);
    const [, notice, ...more] = await mailbox().waitFor(email, 2);
    expect(more).toEqual([]);
    expect(notice?.subject).toBe('New sign-in to your account');
    expect(notice?.text).toContain('Firefox 128 on Windows, network 127.0.5.0/24');

    // The sign-up's device, and the new one, are recognised from now on: no more mail.
    for (const device_token of [signUp.deviceToken, other.body.device_token]) {
      expect((await api().post('/auth/login', { email, password: PASSWORD, device_token })).status).toBe(200);
    }
    const third = await api().post('/auth/login', { email, password: PASSWORD }, { from: '127.0.5.21' });
    expect(third.status).toBe(200);
    const all = await mailbox().waitFor(email, 3);
    expect(all).toHaveLength(3); // only the third, unrecognised sign-in
  });
});
