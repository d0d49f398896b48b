/** Accounts an admin creates: the owner gets an invitation mail and chooses their own password. */
import { describe, expect, it } from 'vitest';
import { PASSWORD, signInAdmin, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';

const gateway = useGateway();
const api = () => gateway.api;
const CHOSEN = 'Lantern-Orbit-Cactus-7';

describe('invitations', () => {
  it('mails a single-use link with which the owner chooses a password, proving the address', async () => {
    const admin = await signInAdmin(api());
    const email = uniqueEmail('invited');
    const created = await api().post('/users', { email, name: 'Ivy Invited' }, { token: admin.token });
    expect(created.status, created.text).toBe(201);
    expect(created.body.email_verified_at).toBeUndefined();
    const [mail] = await mailbox().waitFor(email);
    expect(mail?.subject).toBe('You have been invited to an account');
    const link = mail?.text.split(/\s+/).find((word) => word.includes('#invite=')) ?? '';
    expect(link.startsWith('http://localhost:3000/#invite='), link).toBe(true);
    const token = link.split('#invite=')[1];

    expect((await api().post('/auth/login', { email, password: CHOSEN })).status).toBe(401);
    const weak = await api().post('/auth/invite/accept', { token, password: 'Summer2024!' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.password']);
    expect((await api().post('/auth/invite/accept', { token, password: CHOSEN })).status).toBe(204);
    expect((await api().post('/auth/invite/accept', { token, password: 'Another-Secret-7' })).status).toBe(422);

    const signedIn = await api().post('/auth/login', { email, password: CHOSEN });
    expect(signedIn.status).toBe(200);
    expect(Date.parse(signedIn.body.user.email_verified_at)).toBeGreaterThan(Date.now() - 60_000);
    const activity = await api().get('/me/activity', { token: signedIn.body.access_token });
    expect(activity.body.items.map((e: { type: string }) => e.type)).toContain('invitation_accepted');
    // A reset token is no invitation, and an invitation no reset.
    expect((await api().post('/auth/password/reset', { token, password: CHOSEN })).status).toBe(422);
  });

  it('sends no invitation when the admin sets the password', async () => {
    const admin = await signInAdmin(api());
    const email = uniqueEmail('preset');
    expect((await api().post('/users', { email, name: 'Pat Preset', password: PASSWORD, current_password: PASSWORD }, { token: admin.token })).status).toBe(
      201,
    );
    // The mail would have been sent before the answer.
    expect(await mailbox().received(email)).toEqual([]);
    expect((await api().post('/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });
  it('stops working once the account has a password, set by a reset (the invitation is bound to a passwordless account)', async () => {
    const admin = await signInAdmin(api());
    const email = uniqueEmail('invited-reset');
    expect((await api().post('/users', { email, name: 'Rae Reset' }, { token: admin.token })).status).toBe(201);
    const invite = ((await mailbox().waitFor(email))[0]?.text ?? '').match(/#invite=([\w.-]+)/)?.[1];
    expect((await api().post('/auth/password/forgot', { email })).status).toBe(202);
    const reset = ((await mailbox().waitFor(email, 2)).at(-1)?.text ?? '').match(/#reset=([\w.-]+)/)?.[1];
    expect((await api().post('/auth/password/reset', { token: reset, password: CHOSEN })).status).toBe(204);
    const late = await api().post('/auth/invite/accept', { token: invite, password: 'Another-Secret-7' });
    expect([late.status, late.body.errors]).toEqual([422, [{ path: 'body.token', message: 'invalid or expired link' }]]);
    expect((await api().post('/auth/login', { email, password: CHOSEN })).status).toBe(200);
    expect((await api().post('/auth/login', { email, password: 'Another-Secret-7' })).status).toBe(401);
  });
});
