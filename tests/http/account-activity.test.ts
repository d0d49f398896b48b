/** What happened to an account, as its owner sees it (GET /me/activity, the export) and is told by mail. */
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;
const NEW_PASSWORD = 'Lantern-Orbit-Cactus-7';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('account activity', () => {
  it('lists sign-ins, sessions ended and a password change, newest first, with device and network and nothing secret', async () => {
    const user = await registerUser(api());
    const other = await api().post('/auth/login', { email: user.email, password: PASSWORD }, { headers: { 'user-agent': FIREFOX }, from: '127.0.0.7' });
    expect(other.status).toBe(200);
    const sessions = await api().get('/me/sessions', { token: user.token });
    const firefox = sessions.body.items.find((s: { current: boolean }) => !s.current);
    expect((await api().delete(`/me/sessions/${firefox.session_id}`, { body: { current_password: PASSWORD }, token: user.token })).status).toBe(204);
    const changed = await api().patch(`/users/${user.id}`, { password: NEW_PASSWORD, current_password: PASSWORD }, { token: user.token });
    expect(changed.status).toBe(200);
    await mailbox().newest(user.email, 'Your password was changed');

    const signedIn = await api().post('/auth/login', { email: user.email, password: NEW_PASSWORD });
    const token = signedIn.body.access_token;
    const activity = await api().get('/me/activity', { token });
    expect(activity.status).toBe(200);
    expect(activity.body.items.map((e: { type: string }) => e.type)).toEqual([
      'signed_in_new_device',
      'password_changed',
      'session_ended',
      'signed_in_new_device',
      'signed_in',
    ]);
    expect(activity.body.items[3]).toMatchObject({ device: 'Firefox 128 on Windows', network: '127.0.0.0/24' });
    for (const event of activity.body.items) {
      expect(Object.keys(event).sort()).toEqual(['at', 'device', 'network', 'type']);
      expect(Date.parse(event.at)).toBeGreaterThan(Date.now() - 300_000);
    }
    expect(activity.text).not.toContain(user.email);

    // Paged like every list.
    const first = await api().get('/me/activity?limit=2', { token });
    expect(first.body.items).toHaveLength(2);
    const second = await api().get(`/me/activity?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token });
    expect(second.body.items.map((e: { type: string }) => e.type)).toEqual(['session_ended', 'signed_in_new_device']);

    // In the export, and at rest with the network sealed and a 90-day TTL.
    const exported = await api().get('/me/export', { token });
    expect(exported.body.activity).toEqual(activity.body.items);
    const stored = (await scanTable()).filter((item) => item.PK === `USER#${user.id}` && String(item.SK).startsWith('EVENT#'));
    expect(stored).toHaveLength(5);
    for (const item of stored) {
      expect(item.network).toBeUndefined();
      expect(JSON.stringify(item)).not.toContain('127.0.0');
      expect(Number(item.ttl) - Date.now() / 1000).toBeGreaterThan(89 * 86_400);
    }
  });

  it('tells the owner by mail when the account is deleted, and deletes its activity with it', async () => {
    const user = await registerUser(api());
    expect((await api().delete(`/users/${user.id}`, { token: user.token, body: { current_password: PASSWORD } })).status).toBe(204);
    const notice = await mailbox().newest(user.email, 'Your account was deleted');
    expect(notice?.text).toContain('deleted');
    expect((await scanTable()).filter((item) => item.PK === `USER#${user.id}` && String(item.SK).startsWith('EVENT#'))).toEqual([]);
  });
});
