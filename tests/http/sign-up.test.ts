/** Sign-up with a proven address: register, read the mail, verify; no pre-hijacking, no enumeration, no mail bomb. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keyedHash } from '../../shared/crypto/hash.ts';
import { db, tableName } from '../../shared/db/client.ts';
import { MAILS_PER_ADDRESS } from '../../shared/domain/sign-up.ts';
import { PASSWORD, registerUser, uniqueEmail, verificationToken } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;

const register = (email: string, password = PASSWORD, fields: Record<string, unknown> = {}) =>
  api().post('/auth/register', { email, password, name: 'Ada', ...fields });
const login = (email: string, password = PASSWORD) => api().post('/auth/login', { email, password });
const NEW_PASSWORD = 'Violet-Harbour-Kettle-42';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

describe('sign-up', () => {
  it('mails a link and creates nothing that signs in; following it creates the verified account and signs in', async () => {
    const email = uniqueEmail();
    const res = await register(email, PASSWORD, { username: `ada_${Date.now()}`, dob: '1990-01-01' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'verification_sent', email });
    expect(res.headers.get('location')).toBeNull();
    // Before the link is followed, the claim signs in exactly like a wrong password.
    const early = await login(email);
    const wrong = await login(uniqueEmail('nobody'));
    expect(early.status).toBe(401);
    expect(early.body).toEqual(wrong.body);

    const [mail] = await mailbox().waitFor(email);
    expect(mail?.subject).toBe('Confirm your email address');
    const verified = await api().post('/auth/verify', { token: await verificationToken(email), password: PASSWORD });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.user).toMatchObject({ email, name: 'Ada', role: 'user', version: 1, dob: '1990-01-01' });
    expect(Date.parse(verified.body.user.email_verified_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(verified.text).not.toMatch(/\$2[aby]\$|password/);
    expect((await api().get('/me', { token: verified.body.access_token })).body.user_id).toBe(verified.body.user.user_id);
    expect((await login(email)).status).toBe(200);
  });

  it('makes no account from a squatter’s link opened by the address’s owner: the link needs the squatter’s password', async () => {
    // The squatter used up the address's mails for the hour, so the only link in the owner's inbox is theirs.
    const email = uniqueEmail('victim');
    for (let i = 0; i < 3; i++) expect((await register(email, 'Squatter-Pass-1')).status).toBe(202);
    const squatterToken = await verificationToken(email, 3);
    const opened = await api().post('/auth/verify', { token: squatterToken, password: PASSWORD }); // the owner types their own
    expect(opened.status).toBe(422);
    expect(opened.body.errors).toEqual([{ path: 'body.password', message: 'Not the password chosen at sign-up' }]);
    expect((await login(email, 'Squatter-Pass-1')).status).toBe(401); // no account was made
    expect((await login(email)).status).toBe(401);
  });

  it('lets the owner in with a squatter’s link and a password of their own, even when the squatter used up the hour’s mails', async () => {
    const email = uniqueEmail('locked');
    for (let i = 0; i < 3; i++) expect((await register(email, 'Squatter-Pass-1', { name: 'Squatter', phone: '5550001111' })).status).toBe(202);
    const squatterToken = await verificationToken(email, 3);
    // The owner's own sign-up sends no mail this hour: the squatter's links are all the owner has.
    expect((await register(email)).status).toBe(202);
    expect(await mailbox().received(email)).toHaveLength(3);
    expect((await api().post('/auth/verify', { token: squatterToken, password: PASSWORD })).status).toBe(422);
    // Choosing one: the policy and the strength check apply, and a refusal spends no link.
    const weak = await api().post('/auth/verify', { token: squatterToken, new_password: 'Summer2024!' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors).toEqual([expect.objectContaining({ path: 'body.new_password' })]);
    expect((await api().post('/auth/verify', { token: squatterToken, password: PASSWORD, new_password: NEW_PASSWORD })).status).toBe(400);
    const made = await api().post('/auth/verify', { token: squatterToken, new_password: NEW_PASSWORD });
    expect(made.status, made.text).toBe(200);
    expect(made.body.user).toMatchObject({ email, name: 'Squatter' });
    expect(made.body.user).not.toHaveProperty('phone'); // the squatter's other details are dropped
    expect((await login(email, 'Squatter-Pass-1')).status).toBe(401);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
    // Every other claim of the address is gone, the owner's own sign-up's included: one account, the owner's.
    expect((await api().post('/auth/verify', { token: squatterToken, password: 'Squatter-Pass-1' })).status).toBe(422);
    const claimsOfAddress = `EMAIL#${await keyedHash('email', email)}#SIGNUPS`;
    expect((await scanTable()).filter((item) => item.GSI1PK === claimsOfAddress)).toEqual([]);
  });

  it('lets the owner take an address a squatter registered first: the squatter’s link and password stop working', async () => {
    const email = uniqueEmail('victim');
    expect((await register(email, 'Squatter-Pass-1')).status).toBe(202);
    const squatterToken = await verificationToken(email, 1);
    const owner = await registerUser(api(), { email }); // registers (a second claim) and verifies
    expect((await api().get('/me', { token: owner.token })).status).toBe(200);
    const late = await api().post('/auth/verify', { token: squatterToken, password: 'Squatter-Pass-1' });
    expect(late.status).toBe(422);
    expect(late.body.errors).toEqual([{ path: 'body.token', message: 'invalid or expired link' }]);
    expect((await login(email, 'Squatter-Pass-1')).status).toBe(401);
    expect((await login(email)).status).toBe(200);
    // Nothing of the squatter's claim is left.
    const claimsOfAddress = `EMAIL#${await keyedHash('email', email)}#SIGNUPS`;
    expect((await scanTable()).filter((item) => item.GSI1PK === claimsOfAddress)).toEqual([]);
  });

  it('answers a taken and a free address alike: status, body, and the median time within a tolerance', async () => {
    const owners = await Promise.all(Array.from({ length: 5 }, () => registerUser(api())));
    const taken: number[] = [];
    const free: number[] = [];
    const shapes = new Set<string>();
    for (let i = 0; i < 15; i++) {
      for (const [email, times] of [
        [(owners[i % owners.length] as { email: string }).email, taken],
        [uniqueEmail('free'), free],
      ] as const) {
        const started = performance.now();
        const res = await register(email, 'Another-Secret-7');
        times.push(performance.now() - started);
        shapes.add(`${res.status} ${Object.keys(res.body).sort().join(',')} ${res.body.email === email}`);
      }
    }
    expect([...shapes]).toEqual(['202 email,status true']);
    const [t, f] = [median(taken), median(free)];
    expect(Math.abs(t - f), `taken ${t.toFixed(0)} ms, free ${f.toFixed(0)} ms`).toBeLessThan(Math.max(60, 0.5 * Math.min(t, f)));
    // The owner is told, with links to sign in and to reset, and nothing changed.
    const [notice] = await mailbox()
      .waitFor(owners[0]?.email ?? '', 2)
      .then((mails) => mails.slice(1));
    expect(notice?.subject).toBe('Someone tried to sign up with your address');
    expect(notice?.text).toMatch(/#forgot/);
    expect((await login(owners[0]?.email ?? '')).status).toBe(200);
  });

  it('uses a link once: a replay, and all but one of concurrent uses, are refused', async () => {
    const email = uniqueEmail();
    await register(email);
    const token = await verificationToken(email);
    const results = await Promise.all(Array.from({ length: 5 }, () => api().post('/auth/verify', { token, password: PASSWORD })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 422, 422, 422, 422]);
    expect((await api().post('/auth/verify', { token, password: PASSWORD })).status).toBe(422);
  });

  it('lets exactly one of several pending sign-ups of one address become the account', async () => {
    const email = uniqueEmail('race');
    for (const name of ['One', 'Two', 'Three']) expect((await register(email, PASSWORD, { name })).status).toBe(202);
    const tokens = (await mailbox().waitFor(email, 3)).map((mail) => /#verify=([\w-]+)/.exec(mail.text)?.[1]);
    const results = await Promise.all(tokens.map((token) => api().post('/auth/verify', { token, password: PASSWORD })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 422, 422]);
  });

  it('refuses an expired link, and an unknown or malformed one alike', async () => {
    const email = uniqueEmail();
    await register(email);
    const token = await verificationToken(email);
    // TTL deletes within a day or two: a claim past its time is refused at use.
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { PK: `SIGNUP#${await keyedHash('signup-token', token)}`, SK: 'SIGNUP' },
        UpdateExpression: 'SET #ttl = :past',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    const answers = await Promise.all([token, 'x'.repeat(43), 'not a token'].map((t) => api().post('/auth/verify', { token: t, password: PASSWORD })));
    expect(answers.map((r) => [r.status, r.body.detail])).toEqual(Array(3).fill([422, answers[0]?.body.detail]));
    expect((await login(email)).status).toBe(401);
  });

  it(`mails one address at most ${MAILS_PER_ADDRESS} times an hour, answering the same beyond`, async () => {
    const email = uniqueEmail('bomb');
    const answers = [];
    for (let i = 0; i < MAILS_PER_ADDRESS + 3; i++) answers.push(await register(email));
    expect(new Set(answers.map((r) => `${r.status} ${JSON.stringify(r.body)}`)).size).toBe(1);
    expect(answers[0]?.status).toBe(202);
    expect(await mailbox().received(email)).toHaveLength(MAILS_PER_ADDRESS);
  });

  it('still answers a taken username with 409', async () => {
    const username = `taken_${Date.now()}`;
    await registerUser(api(), { username });
    const res = await register(uniqueEmail(), PASSWORD, { username });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ path: 'body.username', message: 'username is taken' }]);
  });

  it('stores no address and no token in clear', async () => {
    const email = uniqueEmail('stored');
    await register(email);
    const token = await verificationToken(email);
    const raw = JSON.stringify(await scanTable());
    expect(raw).not.toContain(token);
    expect(raw.toLowerCase()).not.toContain(email.split('@')[0]);
  });
});
