/** An email change that proves the new address, and the old address's "this wasn't me", read from the real mailbox. */
import { describe, expect, it } from 'vitest';
import { EMAIL_CHANGES_PER_HOUR } from '../../shared/domain/recovery.ts';
import { PASSWORD, registerUser, resetByMail, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox, type ReceivedMail } from '../support/mailbox.ts';

const gateway = useGateway();
const api = () => gateway.api;
const PUBLIC_URL = 'http://localhost:3000';

const login = (email: string) => api().post('/auth/login', { email, password: PASSWORD });
const changeEmail = (user: { id: string; token: string }, email: string) =>
  api().patch(`/users/${user.id}`, { email, current_password: PASSWORD }, { token: user.token });

/** The token of the `#name=` link in a mail; every link starts with the configured public URL. */
function tokenIn(mail: ReceivedMail, name: string): string {
  const link = mail.text.split(/\s+/).find((word) => word.includes(`#${name}=`)) ?? '';
  expect(link.startsWith(`${PUBLIC_URL}/#${name}=`), link).toBe(true);
  return link.split(`#${name}=`)[1] ?? '';
}

describe('email change', () => {
  it('waits for the new address to confirm; then the address is the account’s, the old one free, and its owner told', async () => {
    const user = await registerUser(api());
    const newEmail = uniqueEmail('new');
    const asked = await changeEmail(user, newEmail);
    expect(asked.status, asked.text).toBe(200);
    expect(asked.body).toMatchObject({ email: user.email, pending_email: newEmail });
    expect(Date.parse(asked.body.pending_email_expires_at)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect((await api().get('/me', { token: user.token })).body).toMatchObject({ email: user.email, pending_email: newEmail });
    // Nothing moved yet: the new address does not sign in, the old one does.
    expect((await login(newEmail)).status).toBe(401);
    expect((await login(user.email)).status).toBe(200);
    const notice = await mailbox().newest(user.email, 'Your email address is being changed');
    expect(notice.text).toContain(newEmail);
    tokenIn(notice, 'cancel-email');

    const token = tokenIn(await mailbox().newest(newEmail, 'Confirm your new email address'), 'confirm-email');
    const confirmed = await api().post('/auth/email/confirm', { token, password: PASSWORD });
    expect(confirmed.status, confirmed.text).toBe(204);
    const me = await api().get('/me', { token: user.token });
    expect(me.body.email).toBe(newEmail);
    expect(me.body.pending_email).toBeUndefined();
    expect(Date.parse(me.body.email_verified_at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await login(newEmail)).status).toBe(200);
    expect((await login(user.email)).status).toBe(401);
    await mailbox().newest(user.email, 'Your email address was changed');
    expect((await api().post('/auth/email/confirm', { token, password: PASSWORD })).status).toBe(422); // once
    await registerUser(api(), { email: user.email }); // the old address is free
  });

  it('cancels a pending change from the old address: the confirmation stops working, every session ends and the password stops until a reset', async () => {
    const user = await registerUser(api());
    const newEmail = uniqueEmail('hijack');
    expect((await changeEmail(user, newEmail)).status).toBe(200);
    const cancel = tokenIn(await mailbox().newest(user.email, 'Your email address is being changed'), 'cancel-email');
    const confirm = tokenIn(await mailbox().newest(newEmail, 'Confirm your new email address'), 'confirm-email');
    expect((await api().post('/auth/email/cancel', { token: cancel })).status).toBe(204);
    expect((await api().get('/me', { token: user.token })).status).toBe(401);
    expect((await api().post('/auth/token', { refresh_token: user.refreshToken })).status).toBe(401);
    expect((await api().post('/auth/email/confirm', { token: confirm, password: PASSWORD })).status).toBe(422);
    // Whoever asked for the change knew the password: it no longer signs in, until a reset from the address.
    expect((await login(user.email)).status).toBe(401);
    await resetByMail(api(), user.email, PASSWORD); // the cancel stopped the password
    const again = await login(user.email);
    expect(again.status).toBe(200);
    expect(again.body.user.email).toBe(user.email);
    expect(again.body.user.pending_email).toBeUndefined();
    expect((await api().post('/auth/email/cancel', { token: cancel })).status).toBe(422); // once
  });

  it('undoes a confirmed change from the old address ("this wasn’t me")', async () => {
    const user = await registerUser(api());
    const newEmail = uniqueEmail('taken-over');
    expect((await changeEmail(user, newEmail)).status).toBe(200);
    const cancel = tokenIn(await mailbox().newest(user.email, 'Your email address is being changed'), 'cancel-email');
    expect(
      (
        await api().post('/auth/email/confirm', {
          token: tokenIn(await mailbox().newest(newEmail, 'Confirm your new email address'), 'confirm-email'),
          password: PASSWORD,
        })
      ).status,
    ).toBe(204);
    expect((await api().post('/auth/email/cancel', { token: cancel })).status).toBe(204);
    expect((await api().get('/me', { token: user.token })).status).toBe(401);
    expect((await login(user.email)).status).toBe(401); // the password stopped
    await resetByMail(api(), user.email, PASSWORD); // the cancel stopped the password
    expect((await login(user.email)).status).toBe(200);
    expect((await login(newEmail)).status).toBe(401);
  });

  it('answers a new address another account has exactly like a free one; its owner is told, and no link goes out', async () => {
    const owner = await registerUser(api());
    const user = await registerUser(api());
    const taken = await changeEmail(user, owner.email.toUpperCase());
    const free = await changeEmail(await registerUser(api()), uniqueEmail('free'));
    expect(taken.status).toBe(200);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(free.body).sort());
    const tried = await mailbox().newest(owner.email, 'Someone tried to use your address');
    expect(tried.text).not.toMatch(/#confirm-email=/);
    expect((await mailbox().received(owner.email)).map((mail) => mail.subject)).not.toContain('Confirm your new email address');
    expect((await login(owner.email)).body.user.user_id).toBe(owner.id);
    expect((await api().get('/me', { token: user.token })).body.email).toBe(user.email);
  });

  it('needs step-up, and refuses a token of another kind (a reset token cannot confirm an address)', async () => {
    const user = await registerUser(api());
    const newEmail = uniqueEmail('stepup');
    expect((await api().patch(`/users/${user.id}`, { email: newEmail }, { token: user.token })).status).toBe(400);
    await api().post('/auth/password/forgot', { email: user.email });
    const reset = tokenIn(await mailbox().newest(user.email, 'Reset your password'), 'reset');
    expect((await api().post('/auth/email/confirm', { token: reset, password: PASSWORD })).status).toBe(422);
    expect((await api().post('/auth/email/cancel', { token: reset })).status).toBe(422);
    expect((await api().get('/me', { token: user.token })).status).toBe(200);
  });

  it(`asks for at most ${EMAIL_CHANGES_PER_HOUR} changes of address an hour per account (each leaves a cancel link): beyond, 429 and nothing changes`, async () => {
    const user = await registerUser(api());
    for (let i = 0; i < EMAIL_CHANGES_PER_HOUR; i++) expect((await changeEmail(user, uniqueEmail(`many-${i}`))).status).toBe(200);
    const pending = (await api().get('/me', { token: user.token })).body.pending_email;
    const refused = await changeEmail(user, uniqueEmail('one-too-many'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api().get('/me', { token: user.token })).body.pending_email).toBe(pending);
    // Other changes go on.
    expect((await api().patch(`/users/${user.id}`, { name: 'Still Here' }, { token: user.token })).status).toBe(200);
  });

  it('mails one new address at most 3 times an hour from one account, however often a change to it is asked, and that spends no other account’s', async () => {
    const [user, owner] = [await registerUser(api()), await registerUser(api())];
    const target = uniqueEmail('bombed');
    for (let i = 0; i < 5; i++) {
      const change = await api().patch(`/users/${user.id}`, { email: target, current_password: PASSWORD }, { token: user.token });
      expect(change.status, change.text).toBe(200);
    }
    await mailbox().waitFor(target, 3);
    await mailbox().waitFor(user.email, 6); // the verification and five notices: the requests were all served
    expect(await mailbox().received(target)).toHaveLength(3);
    // The address's owner, asking from their own account, still gets their link.
    expect((await changeEmail(owner, target)).status).toBe(200);
    await mailbox().waitFor(target, 4);
    const confirm = tokenIn(await mailbox().newest(target, 'Confirm your new email address'), 'confirm-email');
    expect((await api().post('/auth/email/confirm', { token: confirm, password: PASSWORD })).status).toBe(204);
    expect((await api().get('/me', { token: owner.token })).body.email).toBe(target);
  });
  it('needs the password of the account that asked: a victim opening the link (or a scanner) moves nothing, and wrong guesses are counted', async () => {
    const attacker = await registerUser(api());
    const victimEmail = uniqueEmail('victim');
    expect((await changeEmail(attacker, victimEmail)).status).toBe(200);
    const token = tokenIn(await mailbox().newest(victimEmail, 'Confirm your new email address'), 'confirm-email');
    // The link alone is a 400 (no password); the victim's own password a 422 naming the password.
    expect((await api().post('/auth/email/confirm', { token })).status).toBe(400);
    const wrong = await api().post('/auth/email/confirm', { token, password: 'Victims-Own-Passw0rd!' });
    expect(wrong.status).toBe(422);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(wrong.body.errors).toEqual([{ path: 'body.password', message: 'Not the password of the account that asked for this change' }]);
    expect((await api().get('/me', { token: attacker.token })).body.email).toBe(attacker.email);
    // A forged or dead token spends no attempt: the dead-link 422, however many.
    const forged = `${attacker.id}.${'A'.repeat(43)}`;
    for (let i = 0; i < 12; i++) {
      const dead = await api().post('/auth/email/confirm', { token: forged, password: 'Wrong-Passw0rd!' });
      expect([dead.status, dead.body.errors]).toEqual([422, [{ path: 'body.token', message: 'invalid or expired link' }]]);
    }
    // Wrong passwords are counted like sign-in guesses: past the limit, 429 with Retry-After, and nothing is checked.
    const guesses = [];
    for (let i = 0; i < 6; i++) guesses.push(await api().post('/auth/email/confirm', { token, password: `Guess-${i}-Passw0rd!` }));
    expect(guesses.slice(0, 4).map((r) => r.status)).toEqual([422, 422, 422, 422]);
    const limited = guesses.at(-1);
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api().get('/me', { token: attacker.token })).body.email).toBe(attacker.email);
    // The owner's recognised device is judged on its own record, so it still confirms.
    const confirmed = await api().post('/auth/email/confirm', { token, password: PASSWORD, device_token: attacker.deviceToken });
    expect(confirmed.status, confirmed.text).toBe(204);
    expect((await api().get('/me', { token: attacker.token })).body.email).toBe(victimEmail);
  });

  it('keeps a cancel link per change: the first change’s link still takes the first address back, and withdraws later changes’ links', async () => {
    const user = await registerUser(api());
    const second = uniqueEmail('second');
    const third = uniqueEmail('third');
    expect((await changeEmail(user, second)).status).toBe(200);
    const cancelFirst = tokenIn(await mailbox().newest(user.email, 'Your email address is being changed'), 'cancel-email');
    const confirm = async (email: string) =>
      (
        await api().post('/auth/email/confirm', {
          token: tokenIn(await mailbox().newest(email, 'Confirm your new email address'), 'confirm-email'),
          password: PASSWORD,
        })
      ).status;
    expect(await confirm(second)).toBe(204);
    const session = await login(second);
    const again = { id: user.id, token: session.body.access_token };
    expect((await changeEmail(again, third)).status).toBe(200);
    const cancelSecond = tokenIn(await mailbox().newest(second, 'Your email address is being changed'), 'cancel-email');
    expect(await confirm(third)).toBe(204);
    // The first address's owner uses the first change's link: the account is at the first address again.
    const cancelled = await api().post('/auth/email/cancel', { token: cancelFirst });
    expect(cancelled.status, cancelled.text).toBe(204);
    await resetByMail(api(), user.email, PASSWORD); // the cancel stopped the password
    expect((await login(user.email)).status).toBe(200);
    expect((await login(third)).status).toBe(401);
    expect((await api().get('/me', { token: again.token })).status).toBe(401); // every session ended
    // The later change's link would undo back to the second address: withdrawn.
    expect((await api().post('/auth/email/cancel', { token: cancelSecond })).status).toBe(422);
    expect((await login(user.email)).body.user.email).toBe(user.email);
  });

  it('a later change’s cancel link leaves the earlier one working; a cancel withdraws reset links; two cancels at once end in one state', async () => {
    const user = await registerUser(api());
    const second = uniqueEmail('second');
    const third = uniqueEmail('third');
    expect((await changeEmail(user, second)).status).toBe(200);
    const cancelFirst = tokenIn(await mailbox().newest(user.email, 'Your email address is being changed'), 'cancel-email');
    expect((await changeEmail(user, third)).status).toBe(200);
    await mailbox().waitFor(user.email, 3);
    const notices = (await mailbox().received(user.email)).filter((mail) => mail.subject === 'Your email address is being changed');
    const cancelSecond = tokenIn(notices.at(-1) as ReceivedMail, 'cancel-email');
    expect(cancelSecond).not.toBe(cancelFirst);
    await api().post('/auth/password/forgot', { email: user.email });
    const reset = tokenIn(await mailbox().newest(user.email, 'Reset your password'), 'reset');
    const both = await Promise.all([cancelFirst, cancelSecond].map((token) => api().post('/auth/email/cancel', { token })));
    // The earlier change's cancel withdraws the later one's: both succeed only if the later went first.
    const statuses = both.map((r) => r.status);
    expect([JSON.stringify([204, 204]), JSON.stringify([204, 422])]).toContain(JSON.stringify(statuses));
    expect((await api().post('/auth/password/reset', { token: reset, password: 'N3w!Passw0rd-Horse' })).status).toBe(422);
    await resetByMail(api(), user.email, PASSWORD); // the cancel stopped the password
    const signedIn = await login(user.email);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.pending_email).toBeUndefined();
  });
});
