/**
 * An intruder with the password and a session adds a factor of their own; a password reset alone
 * leaves it (a mailbox alone must not get past second factors). The notice of each added factor
 * carries a "this wasn't me" link: it removes that factor and any added since, ends every session and
 * stops the password until a reset, so the owner gets back in from the mailbox. An email change's
 * cancel link removes what was added since the change, for factors whose notices went elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../../tools/local/software-authenticator.ts';
import { PASSWORD, registerUser, resetByMail, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';
import { enrolTotp } from '../support/totp.ts';

const gateway = useGateway({}, {}, { selfOrigin: true });
const api = () => gateway.api;
const origin = () => new URL(api().baseUrl).origin;
const NEW_PASSWORD = 'Lantern-Orbit-Cactus-7';

/** The token of the newest `#name=` link in a mail with this subject to `email`, once it has arrived. */
async function linkToken(email: string, subject: string, name: string): Promise<string> {
  await expect.poll(async () => (await mailbox().received(email)).map((mail) => mail.subject)).toContain(subject);
  const mail = (await mailbox().received(email)).findLast((received) => received.subject === subject);
  const link = mail?.text.split(/\s+/).find((word) => word.includes(`#${name}=`)) ?? '';
  expect(link.startsWith(`${origin()}/#${name}=`), link).toBe(true);
  return link.split(`#${name}=`)[1] ?? '';
}

async function addPasskey(token: string, authenticator: SoftwareAuthenticator, password = PASSWORD) {
  const options = await api().post('/me/passkeys/options', { current_password: password }, { token });
  expect(options.status, options.text).toBe(200);
  const created = await api().post('/me/passkeys', { name: 'Key', credential: authenticator.create(options.body) }, { token });
  expect(created.status, created.text).toBe(201);
}

async function passkeySignIn(authenticator: SoftwareAuthenticator) {
  const options = await api().post('/auth/passkey/options');
  return (await api().post('/auth/passkey', { credential: authenticator.get(options.body) })).status;
}

describe('"this wasn\'t me" for an added factor', () => {
  it('an authenticator app an intruder turned on locks the owner out no more: the link removes it, ends every session and stops the password; a reset then signs in with the password alone', async () => {
    const owner = await registerUser(api());
    await enrolTotp(api(), owner.token); // the intruder, with the owner's password and session
    // A reset alone leaves the intruder's authenticator guarding the account against its owner.
    await resetByMail(api(), owner.email, NEW_PASSWORD);
    expect((await api().post('/auth/login', { email: owner.email, password: NEW_PASSWORD })).body.mfa_required).toBe(true);

    const undo = await linkToken(owner.email, 'An authenticator app was turned on', 'undo-factor');
    const undone = await api().post('/auth/factors/undo', { token: undo });
    expect(undone.status, undone.text).toBe(204);
    expect((await api().get('/me', { token: owner.token })).status).toBe(401);
    expect((await api().post('/auth/login', { email: owner.email, password: NEW_PASSWORD })).status).toBe(401);
    expect((await api().post('/auth/factors/undo', { token: undo })).status).toBe(422); // once

    await resetByMail(api(), owner.email, `${NEW_PASSWORD}-again`);
    const signedIn = await api().post('/auth/login', { email: owner.email, password: `${NEW_PASSWORD}-again` });
    expect(signedIn.status, signedIn.text).toBe(200);
    expect(signedIn.body.access_token).toEqual(expect.any(String));
    const activity = await api().get('/me/activity', { token: signedIn.body.access_token });
    expect(activity.body.items.map((event: { type: string }) => event.type)).toContain('factors_undone');
  });

  it('removes the passkey of its notice and those added after it, never one added before; each notice has a link of its own', async () => {
    const owner = await registerUser(api());
    const ownersKey = new SoftwareAuthenticator(origin());
    const intrudersKey = new SoftwareAuthenticator(origin());
    await addPasskey(owner.token, ownersKey);
    const ownersUndo = await linkToken(owner.email, 'A passkey was added to your account', 'undo-factor');
    await addPasskey(owner.token, intrudersKey);
    const intrudersUndo = await linkToken(owner.email, 'A passkey was added to your account', 'undo-factor');
    expect(intrudersUndo).not.toBe(ownersUndo);

    expect((await api().post('/auth/factors/undo', { token: intrudersUndo })).status).toBe(204);
    expect(await passkeySignIn(intrudersKey)).toBe(401);
    expect(await passkeySignIn(ownersKey)).toBe(200);
    // The earlier notice's link still works, and takes the owner's passkey too.
    expect((await api().post('/auth/factors/undo', { token: ownersUndo })).status).toBe(204);
    expect(await passkeySignIn(ownersKey)).toBe(401);
  });

  it('refuses a token of another kind, and one shaped right but never issued', async () => {
    const owner = await registerUser(api());
    await api().post('/auth/password/forgot', { email: owner.email });
    const reset = await linkToken(owner.email, 'Reset your password', 'reset');
    expect((await api().post('/auth/factors/undo', { token: reset })).status).toBe(422);
    const forged = `${owner.id}.00mip4k2x8a1b2c3.${'A'.repeat(43)}`;
    const refused = await api().post('/auth/factors/undo', { token: forged });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await api().get('/me', { token: owner.token })).status).toBe(200);
  });

  it('an email change cancelled from the old address takes away the passkeys added since, whose notices (and links) went to the new address and stop working', async () => {
    const owner = await registerUser(api());
    const ownersKey = new SoftwareAuthenticator(origin());
    await addPasskey(owner.token, ownersKey);
    const intruders = uniqueEmail('intruder');
    const asked = await api().patch(`/users/${owner.id}`, { email: intruders, current_password: PASSWORD }, { token: owner.token });
    expect(asked.status, asked.text).toBe(200);
    const cancel = await linkToken(owner.email, 'Your email address is being changed', 'cancel-email');
    const confirm = await linkToken(intruders, 'Confirm your new email address', 'confirm-email');
    expect((await api().post('/auth/email/confirm', { token: confirm, password: PASSWORD })).status).toBe(204);
    const intrudersKey = new SoftwareAuthenticator(origin());
    await addPasskey(owner.token, intrudersKey);
    // The notice, and its link, went to the intruder.
    const intrudersUndo = await linkToken(intruders, 'A passkey was added to your account', 'undo-factor');

    expect((await api().post('/auth/email/cancel', { token: cancel })).status).toBe(204);
    expect(await passkeySignIn(intrudersKey)).toBe(401);
    expect(await passkeySignIn(ownersKey)).toBe(200);

    // The owner, back in with a new password, adds a passkey; the link mailed to the address the account has left no longer holds.
    await resetByMail(api(), owner.email, NEW_PASSWORD);
    const options = await api().post('/auth/passkey/options');
    const session = await api().post('/auth/passkey', { credential: ownersKey.get(options.body) });
    const ownersNewKey = new SoftwareAuthenticator(origin());
    await addPasskey(session.body.access_token, ownersNewKey, NEW_PASSWORD);
    const stale = await api().post('/auth/factors/undo', { token: intrudersUndo });
    expect(stale.status, stale.text).toBe(422);
    expect(await passkeySignIn(ownersNewKey)).toBe(200);
    expect((await api().get('/me', { token: session.body.access_token })).status).toBe(200);
  });
});
