/** "Forgot password" and the reset link, read from the real mailbox: single use, newest only, no oracle, no mail bomb. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../shared/crypto/passwords.ts';
import { db, tableName } from '../../shared/db/client.ts';
import { users } from '../../shared/db/users.ts';
import { RESET_MAILS_PER_ADDRESS, RESETS_PER_NETWORK } from '../../shared/domain/recovery.ts';
import { SoftwareAuthenticator } from '../../tools/local/software-authenticator.ts';
import { PASSWORD, registerUser, signInAdmin, uniqueEmail, verificationToken } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';
import { enrolTotp } from '../support/totp.ts';

const gateway = useGateway();
const api = () => gateway.api;

const NEW_PASSWORD = 'Lantern-Orbit-Cactus-7';
const PUBLIC_URL = 'http://localhost:3000';
const forgot = (email: string, from?: string) => api().post('/auth/password/forgot', { email }, { ...(from && { from }) });
const login = (email: string, password = PASSWORD) => api().post('/auth/login', { email, password });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** The reset token in the newest mail to `email`, once `count` mails have arrived there. */
async function resetToken(email: string, count: number): Promise<string> {
  const mail = (await mailbox().waitFor(email, count)).at(-1);
  expect(mail?.subject).toBe('Reset your password');
  const link = mail?.text.split(/\s+/).find((word) => word.includes('#reset='));
  expect(link?.startsWith(`${PUBLIC_URL}/#reset=`), link).toBe(true);
  return link?.split('#reset=')[1] ?? '';
}

/** The mail with this subject to `email`, once it has arrived. */
async function noticeTo(email: string, subject: string) {
  await expect.poll(async () => (await mailbox().received(email)).map((mail) => mail.subject)).toContain(subject);
  return (await mailbox().received(email)).find((mail) => mail.subject === subject);
}

const mailsTo = async (email: string) => (await mailbox().received(email)).length;

describe('password reset', () => {
  it('mails a link that sets a new password: every session ends, the old password stops working, the owner is told', async () => {
    const user = await registerUser(api());
    const other = await login(user.email);
    const before = await mailsTo(user.email);
    const asked = await forgot(user.email);
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ status: 'reset_sent', email: user.email });
    const token = await resetToken(user.email, before + 1);

    const reset = await api().post('/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(reset.status, reset.text).toBe(204);
    for (const access of [user.token, other.body.access_token]) expect((await api().get('/me', { token: access })).status).toBe(401);
    expect((await api().post('/auth/token', { refresh_token: user.refreshToken })).status).toBe(401);
    expect((await login(user.email)).status).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    const notice = await noticeTo(user.email, 'Your password was reset');
    expect(notice?.text).not.toContain(token);
    // Used once.
    expect((await api().post('/auth/password/reset', { token, password: 'Another-Secret-7' })).status).toBe(422);
  });

  it('ends an intruder’s pending email change: its confirmation link no longer moves the address', async () => {
    const user = await registerUser(api());
    const intruder = uniqueEmail('intruder');
    // With the stolen token and password, an intruder asks to move the account to their address…
    const change = await api().patch(`/users/${user.id}`, { email: intruder, current_password: PASSWORD }, { token: user.token });
    expect(change.status, change.text).toBe(200);
    const confirmMail = (await mailbox().waitFor(intruder)).at(-1);
    const confirm = /#confirm-email=([\w.-]+)/.exec(confirmMail?.text ?? '')?.[1];
    // …and the owner resets the password before the intruder follows the link.
    const before = await mailsTo(user.email);
    await forgot(user.email);
    const reset = await api().post('/auth/password/reset', { token: await resetToken(user.email, before + 1), password: NEW_PASSWORD });
    expect(reset.status).toBe(204);
    expect((await api().post('/auth/email/confirm', { token: confirm, password: PASSWORD })).status).toBe(422);
    expect((await login(user.email, NEW_PASSWORD)).body.user).toMatchObject({ email: user.email });
    expect((await login(user.email, NEW_PASSWORD)).body.user.pending_email).toBeUndefined();
  });

  it('accepts only the newest link, once, before it expires; a malformed or forged one alike', async () => {
    const user = await registerUser(api());
    const before = await mailsTo(user.email);
    await forgot(user.email);
    const first = await resetToken(user.email, before + 1);
    await forgot(user.email);
    const second = await resetToken(user.email, before + 2);
    expect(second).not.toBe(first);
    const forged = `${user.id}.${'A'.repeat(43)}`;
    const refused = await Promise.all([first, forged, 'not-a-token'].map((token) => api().post('/auth/password/reset', { token, password: NEW_PASSWORD })));
    expect(refused.map((r) => [r.status, r.body.errors])).toEqual(Array(3).fill([422, [{ path: 'body.token', message: 'invalid or expired link' }]]));

    // Concurrent uses of the newest: exactly one wins.
    const results = await Promise.all(Array.from({ length: 4 }, () => api().post('/auth/password/reset', { token: second, password: NEW_PASSWORD })));
    expect(results.map((r) => r.status).sort()).toEqual([204, 422, 422, 422]);

    // Past its time (TTL deletes later; it is checked at use).
    await forgot(user.email);
    const third = await resetToken(user.email, before + 4); // the notice of the reset came in between
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { PK: `USER#${user.id}`, SK: 'LINK#reset' },
        UpdateExpression: 'SET #ttl = :past',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    expect((await api().post('/auth/password/reset', { token: third, password: 'Another-Secret-7' })).status).toBe(422);
  });

  it('applies the password policy, guessability included, and keeps the link for a better try', async () => {
    const user = await registerUser(api());
    await forgot(user.email);
    const token = await resetToken(user.email, (await mailsTo(user.email)) || 1);
    const weak = await api().post('/auth/password/reset', { token, password: 'Summer2024!' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.password']);
    const short = await api().post('/auth/password/reset', { token, password: 'Ab1!' });
    expect(short.status).toBe(400);
    expect((await api().post('/auth/password/reset', { token, password: NEW_PASSWORD })).status).toBe(204);
  });

  it('answers a known and an unknown address alike: status, body, and the median time within a tolerance', async () => {
    const owners = await Promise.all(Array.from({ length: 5 }, () => registerUser(api())));
    const known: number[] = [];
    const unknown: number[] = [];
    const shapes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      for (const [email, times] of [
        [(owners[i % owners.length] as { email: string }).email, known],
        [uniqueEmail('unknown'), unknown],
      ] as const) {
        const started = performance.now();
        const res = await forgot(email, `127.0.${10 + (i % 4)}.1`);
        times.push(performance.now() - started);
        shapes.add(`${res.status} ${Object.keys(res.body).sort().join(',')} ${res.body.email === email}`);
      }
    }
    expect([...shapes]).toEqual(['202 email,status true']);
    const [k, u] = [median(known), median(unknown)];
    expect(Math.abs(k - u), `known ${k.toFixed(0)} ms, unknown ${u.toFixed(0)} ms`).toBeLessThan(Math.max(40, 0.5 * Math.min(k, u)));
    // The unknown address is told that no account has it (so a typo is noticed), and nothing is made.
    const stranger = uniqueEmail('stranger');
    await forgot(stranger);
    const [mail] = await mailbox().waitFor(stranger);
    expect(mail?.subject).toBe('Reset your password');
    expect(mail?.text).toContain('no account uses it');
    expect(mail?.text).not.toContain('#reset=');
  });

  it(`mails one address at most ${RESET_MAILS_PER_ADDRESS} times an hour, answering the same beyond, and the last link mailed stays valid`, async () => {
    const user = await registerUser(api());
    const before = await mailsTo(user.email);
    const answers = [];
    for (let i = 0; i < RESET_MAILS_PER_ADDRESS + 2; i++) answers.push(await forgot(user.email, `127.0.20.${i + 1}`));
    expect(new Set(answers.map((r) => `${r.status} ${JSON.stringify(r.body)}`)).size).toBe(1);
    const mails = await mailbox().waitFor(user.email, before + RESET_MAILS_PER_ADDRESS);
    expect(mails).toHaveLength(before + RESET_MAILS_PER_ADDRESS);
    const lastMailed = await resetToken(user.email, before + RESET_MAILS_PER_ADDRESS);
    expect((await api().post('/auth/password/reset', { token: lastMailed, password: NEW_PASSWORD })).status).toBe(204);
  });

  it(`answers 429 past ${RESETS_PER_NETWORK} requests an hour from one network`, async () => {
    const from = '127.0.30.1';
    for (let i = 0; i < RESETS_PER_NETWORK; i++) expect((await forgot(uniqueEmail('spray'), from)).status).toBe(202);
    const refused = await forgot(uniqueEmail('spray'), from);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await forgot(uniqueEmail('spray'), '127.0.31.1')).status).toBe(202);
  });

  it('proves the address: an unverified sign-up of it is gone, and an account that had no password gets one', async () => {
    const email = uniqueEmail('owner');
    // A squatter's pending sign-up, then the owner's account (made the way an admin's is).
    expect((await api().post('/auth/register', { email, password: 'Squatter-Pass-1', name: 'Squatter' })).status).toBe(202);
    const squatterToken = await verificationToken(email, 1);
    await users.create({ email, name: 'Owner', role: 'user' }, await hashPassword(PASSWORD));
    await forgot(email);
    const token = await resetToken(email, 2);
    expect((await api().post('/auth/password/reset', { token, password: NEW_PASSWORD })).status).toBe(204);
    expect((await api().post('/auth/verify', { token: squatterToken, password: 'Squatter-Pass-1' })).status).toBe(422);
    const signedIn = await login(email, NEW_PASSWORD);
    expect(signedIn.status).toBe(200);
    expect(Date.parse(signedIn.body.user.email_verified_at)).toBeGreaterThan(Date.now() - 60_000);
  });
  it('takes back an address an admin gave away with a password: the factors its holder set up go, so the owner is not kept out', async () => {
    const admin = await signInAdmin(api());
    const email = uniqueEmail('given-away');
    // An admin (or whoever holds their token and password) makes the account with a password it knows…
    const created = await api().post('/users', { email, name: 'Holder', password: PASSWORD, current_password: PASSWORD }, { token: admin.token });
    expect(created.status, created.text).toBe(201);
    const holder = await login(email);
    expect(holder.status).toBe(200);
    // …and its holder turns on an authenticator and adds a passkey before the address's owner turns up.
    await enrolTotp(api(), holder.body.access_token);
    const options = await api().post('/me/passkeys/options', { current_password: PASSWORD }, { token: holder.body.access_token });
    const credential = new SoftwareAuthenticator(PUBLIC_URL).create(options.body); // the configured public URL is the relying party
    expect((await api().post('/me/passkeys', { name: 'Holder key', credential }, { token: holder.body.access_token })).status).toBe(201);
    expect((await login(email)).body.mfa_required).toBe(true);

    await forgot(email);
    const token = await resetToken(email, await mailsTo(email));
    expect((await api().post('/auth/password/reset', { token, password: NEW_PASSWORD })).status).toBe(204);
    const owner = await login(email, NEW_PASSWORD);
    expect(owner.status, owner.text).toBe(200);
    expect(owner.body.access_token).toEqual(expect.any(String)); // tokens, not a second-factor challenge
    expect((await api().get('/me/passkeys', { token: owner.body.access_token })).body.items).toEqual([]);
    expect((await noticeTo(email, 'Your password was reset'))?.text).toContain('the passkeys and authenticator app set up before it were removed');

    // A reset of an account whose owner proved the address keeps its factors: they are the owner's.
    const again = await mailsTo(email);
    await enrolTotp(api(), owner.body.access_token, NEW_PASSWORD);
    await forgot(email);
    const second = await resetToken(email, again + 2);
    expect((await api().post('/auth/password/reset', { token: second, password: PASSWORD })).status).toBe(204);
    expect((await login(email)).body.mfa_required).toBe(true);
  });

  it('takes back a given-away address the holder moved the account from: cancelling the move keeps the address unproven', async () => {
    const admin = await signInAdmin(api());
    const [email, holders] = [uniqueEmail('given-away'), uniqueEmail('holders')];
    expect((await api().post('/users', { email, name: 'Holder', password: PASSWORD, current_password: PASSWORD }, { token: admin.token })).status).toBe(201);
    const holder = await login(email);
    await enrolTotp(api(), holder.body.access_token);
    // The holder moves the account to an address of their own, which they prove…
    const moved = await api().patch(`/users/${holder.body.user.user_id}`, { email: holders, current_password: PASSWORD }, { token: holder.body.access_token });
    expect(moved.status, moved.text).toBe(200);
    const confirm = (await mailbox().waitFor(holders)).at(-1)?.text.match(/#confirm-email=([\w.-]+)/)?.[1];
    expect((await api().post('/auth/email/confirm', { token: confirm, password: PASSWORD })).status).toBe(204);
    // …and the address's owner cancels the move from the notice, then resets.
    const cancel = (await noticeTo(email, 'Your email address is being changed'))?.text.match(/#cancel-email=([\w.-]+)/)?.[1];
    expect((await api().post('/auth/email/cancel', { token: cancel })).status).toBe(204);
    await forgot(email);
    const token = await resetToken(email, await mailsTo(email));
    expect((await api().post('/auth/password/reset', { token, password: NEW_PASSWORD })).status).toBe(204);
    const owner = await login(email, NEW_PASSWORD);
    expect(owner.body.access_token, owner.text).toEqual(expect.any(String)); // the holder's authenticator is gone
  });

  it('is bound to the address it was mailed to: after the account moves to another address, a link mailed to the old one is dead', async () => {
    const user = await registerUser(api());
    await forgot(user.email);
    const token = await resetToken(user.email, (await mailsTo(user.email)) || 1);
    const moved = uniqueEmail('moved');
    expect((await api().patch(`/users/${user.id}`, { email: moved, current_password: PASSWORD }, { token: user.token })).status).toBe(200);
    await mailbox().waitFor(moved);
    const confirm = ((await mailbox().received(moved)).at(-1)?.text ?? '').match(/#confirm-email=([\w.-]+)/)?.[1];
    expect((await api().post('/auth/email/confirm', { token: confirm, password: PASSWORD })).status).toBe(204);
    const refused = await api().post('/auth/password/reset', { token, password: NEW_PASSWORD });
    expect([refused.status, refused.body.errors]).toEqual([422, [{ path: 'body.token', message: 'invalid or expired link' }]]);
    expect((await login(moved)).status).toBe(200); // the password is unchanged
  });
});
