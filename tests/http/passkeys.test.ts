/**
 * Passkeys over HTTP with a software authenticator (tests/support/authenticator.ts): register with
 * step-up, list, rename, remove; sign in with a passkey alone; a passkey as the second factor and as
 * step-up; and the refusals the specification asks for (origin, RP id, replayed challenge, unknown
 * credential, another account's credential, counter rollback, no user verification).
 */
import { describe, expect, it } from 'vitest';
import { REFUSED } from '../../shared/domain/sign-in.ts';
import { SoftwareAuthenticator } from '../../tools/local/software-authenticator.ts';
import { PASSWORD, registerUser, signInAdmin } from '../support/accounts.ts';
import { type Api, useGateway } from '../support/api.ts';
import { enrolTotp, nextCode } from '../support/totp.ts';

const gateway = useGateway({}, {}, { selfOrigin: true });
const api = () => gateway.api;
const origin = () => new URL(api().baseUrl).origin;

async function addPasskey(token: string, authenticator: SoftwareAuthenticator, name = 'Laptop', proof: object = { current_password: PASSWORD }) {
  const options = await api().post('/me/passkeys/options', proof, { token });
  expect(options.status, options.text).toBe(200);
  const created = await api().post('/me/passkeys', { name, credential: authenticator.create(options.body) }, { token });
  expect(created.status, created.text).toBe(201);
  return created.body as { passkey_id: string; name: string };
}

async function signInOptions(client: Api = api()) {
  const res = await client.post('/auth/passkey/options');
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('passkeys', () => {
  it('registers a passkey after step-up, lists, renames, signs in with it alone (no email), and removes it after step-up', async () => {
    const user = await registerUser(api());
    const authenticator = new SoftwareAuthenticator(origin());

    // Registration needs step-up.
    const bare = await api().post('/me/passkeys/options', {}, { token: user.token });
    expect(bare.status).toBe(400);
    const options = await api().post('/me/passkeys/options', { current_password: PASSWORD }, { token: user.token });
    expect(options.body.rp).toEqual({ id: 'localhost', name: 'User Data' });
    expect(options.body.authenticatorSelection.residentKey).toBe('required');
    const created = await api().post('/me/passkeys', { name: 'Laptop', credential: authenticator.create(options.body) }, { token: user.token });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('location')).toMatch(new RegExp(`/me/passkeys/${created.body.passkey_id}$`));
    expect(created.body).toMatchObject({ name: 'Laptop', last_used_at: null });

    const list = await api().get('/me/passkeys', { token: user.token });
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual(['Laptop']);
    const renamed = await api().patch(`/me/passkeys/${created.body.passkey_id}`, { name: 'Work laptop' }, { token: user.token });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.name).toBe('Work laptop');

    // Sign in with the passkey alone: no email typed.
    const signedIn = await api().post('/auth/passkey', { credential: authenticator.get(await signInOptions()) }, { headers: { 'user-agent': 'node' } });
    expect(signedIn.status, signedIn.text).toBe(200);
    expect(signedIn.body.user.user_id).toBe(user.id);
    expect(signedIn.body.device_token).toMatch(/^[\w-]{43}$/);
    // With that device token the next passkey sign-in is a recognised device's: the same token back.
    const again = await api().post('/auth/passkey', { credential: authenticator.get(await signInOptions()), device_token: signedIn.body.device_token });
    expect(again.body.device_token).toBe(signedIn.body.device_token);
    const sessions = await api().get('/me/sessions', { token: signedIn.body.access_token });
    expect(sessions.body.items.find((s: { current: boolean }) => s.current).method).toBe('passkey');
    expect((await api().get('/me/passkeys', { token: user.token })).body.items[0].last_used_at).not.toBeNull();

    // Removal needs step-up too; then the passkey signs in no more.
    const id = created.body.passkey_id;
    expect((await api().delete(`/me/passkeys/${id}`, { body: {}, token: user.token })).status).toBe(400);
    expect((await api().delete(`/me/passkeys/${id}`, { body: { current_password: 'Wrong-Password-1' }, token: user.token })).status).toBe(403);
    expect((await api().delete(`/me/passkeys/${id}`, { body: { current_password: PASSWORD }, token: user.token })).status).toBe(204);
    expect((await api().get('/me/passkeys', { token: user.token })).body.items).toEqual([]);
    expect((await api().post('/auth/passkey', { credential: authenticator.get(await signInOptions()) })).status).toBe(401);
  });

  it('refuses a registration from another origin or RP id, a replayed or foreign challenge, and a credential registered already', async () => {
    const user = await registerUser(api());
    const other = await registerUser(api());
    const authenticator = new SoftwareAuthenticator(origin());
    const fresh = async (token = user.token) => (await api().post('/me/passkeys/options', { current_password: PASSWORD }, { token })).body;
    const register = (credential: unknown, token = user.token) => api().post('/me/passkeys', { name: 'Key', credential }, { token });

    const wrongOrigin = await register(authenticator.create(await fresh(), { origin: 'https://evil.example' }));
    expect(wrongOrigin.status).toBe(422);
    expect(wrongOrigin.body.errors[0].path).toBe('body.credential');
    expect((await register(authenticator.create(await fresh(), { rpId: 'evil.example' }))).status).toBe(422);
    // Another account's challenge is not this caller's.
    expect((await register(authenticator.create(await fresh(other.token)))).status).toBe(422);
    // A challenge works once.
    const options = await fresh();
    const first = authenticator.create(options);
    expect((await register(first)).status).toBe(201);
    expect((await register(authenticator.create(options))).status).toBe(422);
    // The same credential id again, in this account or another: 409.
    const id = Buffer.from(first.id, 'base64url');
    expect((await register(authenticator.create(await fresh(), { id }))).status).toBe(409);
    expect((await register(authenticator.create(await fresh(other.token), { id }), other.token)).status).toBe(409);
    // An id in the JSON other than the one the authenticator signed: refused.
    const mislabelled = authenticator.create(await fresh());
    expect((await register({ ...mislabelled, id: first.id, rawId: first.id })).status).toBe(422);
    expect((await api().get('/me/passkeys', { token: user.token })).body.items).toHaveLength(1);
  });

  it('refuses sign-in assertions from another origin or RP id, replays, unknown credentials, a rolled-back counter, and no user verification, all alike', async () => {
    const user = await registerUser(api());
    const authenticator = new SoftwareAuthenticator(origin());
    await addPasskey(user.token, authenticator);
    const [credential] = authenticator.credentials;
    if (!credential) throw new Error('no credential');
    const signIn = (assertion: unknown) => api().post('/auth/passkey', { credential: assertion });

    const refusals = [
      await signIn(authenticator.get(await signInOptions(), { origin: 'https://evil.example' })),
      await signIn(authenticator.get(await signInOptions(), { credential: { ...credential, rpId: 'evil.example' } })),
      await signIn(authenticator.get(await signInOptions(), { userVerified: false })),
      await signIn(new SoftwareAuthenticator(origin()).get(await signInOptions(), { credential: { ...credential, id: Buffer.from('unknown-credential') } })),
      // A challenge nobody issued.
      await signIn(authenticator.get({ challenge: 'x'.repeat(43), rpId: 'localhost', allowCredentials: [] })),
    ];
    for (const refused of refusals) {
      expect(refused.status, refused.text).toBe(401);
      expect(refused.body.detail).toBe(refusals[0]?.body.detail);
    }

    const good = authenticator.get(await signInOptions());
    expect((await signIn(good)).status).toBe(200);
    // The same assertion again: its challenge was taken.
    expect((await signIn(good)).status).toBe(401);
    // A counter that does not grow (a cloned authenticator) is refused.
    expect((await signIn(authenticator.get(await signInOptions(), { counter: credential.counter }))).status).toBe(401);
    expect((await signIn(authenticator.get(await signInOptions(), { counter: 1 }))).status).toBe(401);
    expect((await signIn(authenticator.get(await signInOptions(), { counter: credential.counter + 5 }))).status).toBe(200);
  });

  it('takes a credential of another account as nothing: the user handle and the credential must belong together', async () => {
    const [alice, mallory] = [await registerUser(api()), await registerUser(api())];
    const aliceKey = new SoftwareAuthenticator(origin());
    const malloryKey = new SoftwareAuthenticator(origin());
    await addPasskey(alice.token, aliceKey);
    await addPasskey(mallory.token, malloryKey);
    const [malloryCredential] = malloryKey.credentials;
    if (!malloryCredential) throw new Error('no credential');
    // Mallory's key claiming to be Alice's (her user handle).
    const forged = malloryKey.get(await signInOptions(), { credential: { ...malloryCredential, userHandle: aliceKey.credentials[0]?.userHandle ?? '' } });
    expect((await api().post('/auth/passkey', { credential: forged })).status).toBe(401);
  });

  it('accepts counterless passkeys (synced ones keep no counter) again and again', async () => {
    const user = await registerUser(api());
    const synced = new SoftwareAuthenticator(origin(), true);
    await addPasskey(user.token, synced);
    for (let i = 0; i < 2; i++) expect((await api().post('/auth/passkey', { credential: synced.get(await signInOptions()) })).status).toBe(200);
  });

  it('serves as the second factor after a password, and counts as a factor for admin routes', async () => {
    const user = await registerUser(api());
    const authenticator = new SoftwareAuthenticator(origin());
    await addPasskey(user.token, authenticator);
    const login = await api().post('/auth/login', { email: user.email, password: PASSWORD });
    expect(login.status, login.text).toBe(200);
    expect(login.body).toMatchObject({ mfa_required: true, methods: ['passkey'] });
    expect(login.body.passkey_options.allowCredentials).toHaveLength(1);
    expect(login.body.access_token).toBeUndefined();

    const { challenge, passkey_options } = login.body;
    // An assertion for another challenge fails (and counts against this one).
    const foreign = authenticator.get({ ...passkey_options, challenge: 'y'.repeat(43) });
    expect((await api().post('/auth/login/mfa', { challenge, passkey: foreign })).status).toBe(401);
    const done = await api().post('/auth/login/mfa', { challenge, passkey: authenticator.get(passkey_options) });
    expect(done.status, done.text).toBe(200);
    const sessions = await api().get('/me/sessions', { token: done.body.access_token });
    expect(sessions.body.items.find((s: { current: boolean }) => s.current).method).toBe('password+passkey');
    // The challenge is used up.
    expect((await api().post('/auth/login/mfa', { challenge, passkey: authenticator.get(passkey_options) })).status).toBe(401);
  });

  it('confirms a sensitive change with a fresh passkey assertion (step-up), once per challenge, the caller’s own only', async () => {
    const user = await registerUser(api());
    const other = await registerUser(api());
    const authenticator = new SoftwareAuthenticator(origin());
    const otherKey = new SoftwareAuthenticator(origin());
    await addPasskey(user.token, authenticator);
    await addPasskey(other.token, otherKey);
    expect((await api().post('/me/passkeys/challenge', undefined, { token: (await registerUser(api())).token })).status).toBe(409);

    const stepUp = async () => {
      const res = await api().post('/me/passkeys/challenge', undefined, { token: user.token });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    // A second passkey added with a passkey as the proof.
    const second = new SoftwareAuthenticator(origin());
    const proof = authenticator.get(await stepUp());
    await addPasskey(user.token, second, 'Phone', { passkey: proof });
    // The same proof again: its challenge was taken.
    expect((await api().post('/me/passkeys/options', { passkey: proof }, { token: user.token })).status).toBe(403);
    // Another account's passkey, even against this caller's challenge, proves nothing.
    const foreign = otherKey.get({ ...(await stepUp()), allowCredentials: [] });
    const refused = await api().post('/me/passkeys/options', { passkey: foreign }, { token: user.token });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].path).toBe('body.passkey');
    // A step-up challenge is not a sign-in challenge, nor the other way round.
    expect((await api().post('/auth/passkey', { credential: authenticator.get(await stepUp()) })).status).toBe(401);
    expect((await api().post('/me/passkeys/options', { passkey: authenticator.get(await signInOptions()) }, { token: user.token })).status).toBe(403);

    // The password changes with a passkey as the proof.
    const changed = await api().put(`/users/${user.id}`, { password: 'New-Password-42', passkey: authenticator.get(await stepUp()) }, { token: user.token });
    expect(changed.status, changed.text).toBe(200);
    expect((await api().post('/auth/login', { email: user.email, password: 'New-Password-42' })).body.mfa_required).toBe(true);
  });
});

/** Wrong passwords for `email` every 50 ms, from ten addresses in turn, until the account is slowed; then `owner` acts, and the attack stops. */
async function whileAttacked(email: string, owner: () => Promise<void>) {
  let stopped = false;
  let slowed = false;
  const attack = (async () => {
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; !stopped; i++) {
      const from = `127.0.0.${(i % 10) + 2}`;
      inFlight.push(
        api()
          .post('/auth/login', { email, password: 'Wrong-Password-1' }, { from })
          .then((res) => {
            if (res.status === 429 && res.body.detail === REFUSED.account) slowed = true;
          }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(inFlight);
  })();
  try {
    await expect.poll(() => slowed, { timeout: 120_000, interval: 100 }).toBe(true);
    await owner();
  } finally {
    stopped = true;
    await attack;
  }
}

describe('an attacker rotating ten addresses against the email of an account with a second factor', () => {
  it('cannot slow an owner with a passkey: it signs in, and confirms a new password, at the first try', async () => {
    const user = await registerUser(api());
    const authenticator = new SoftwareAuthenticator(origin());
    await addPasskey(user.token, authenticator);
    await whileAttacked(user.email, async () => {
      // Every password client is slowed now; the passkey is not.
      const signedIn = await api().post('/auth/passkey', { credential: authenticator.get(await signInOptions()) }, { from: '127.0.0.50' });
      expect(signedIn.status, signedIn.text).toBe(200);
      const challenge = await api().post('/me/passkeys/challenge', undefined, { token: signedIn.body.access_token, from: '127.0.0.50' });
      const changed = await api().patch(
        `/users/${user.id}`,
        { password: 'Another-Secret-7', passkey: authenticator.get(challenge.body) },
        { token: signedIn.body.access_token, from: '127.0.0.50' },
      );
      expect(changed.status, changed.text).toBe(200);
    });
  });

  it('cannot slow an owner with an authenticator on a new device: password and code in one request sign in at the first try', async () => {
    const user = await registerUser(api());
    const { secret } = await enrolTotp(api(), user.token);
    await whileAttacked(user.email, async () => {
      // The password alone is slowed like everyone's…
      const alone = await api().post('/auth/login', { email: user.email, password: PASSWORD }, { from: '127.0.0.60' });
      expect(alone.status).toBe(429);
      // …but with the code it is judged apart: in at the first try, both factors proven.
      const signedIn = await api().post('/auth/login', { email: user.email, password: PASSWORD, totp_code: await nextCode(secret) }, { from: '127.0.0.61' });
      expect(signedIn.status, signedIn.text).toBe(200);
      const sessions = await api().get('/me/sessions', { token: signedIn.body.access_token });
      expect(sessions.body.items.find((s: { current: boolean }) => s.current).method).toBe('password+totp');
    });
    // A wrong code with the right password, and a right code with a wrong password, answer alike; a used code is refused.
    const code = await nextCode(secret);
    const wrongCode = await api().post(
      '/auth/login',
      { email: user.email, password: PASSWORD, totp_code: code === '000000' ? '111111' : '000000' },
      { from: '127.0.0.62' },
    );
    const wrongPassword = await api().post('/auth/login', { email: user.email, password: 'Wrong-Password-1', totp_code: code }, { from: '127.0.0.63' });
    expect([wrongCode.status, wrongPassword.status]).toEqual([401, 401]);
    expect(wrongCode.body.detail).toBe(wrongPassword.body.detail);
    // Five failures on this path lock that network out of it (per network, never the account).
    for (let i = 0; i < 4; i++)
      await api().post('/auth/login', { email: user.email, password: 'Wrong-Password-1', totp_code: '123456' }, { from: '127.0.0.63' });
    expect((await api().post('/auth/login', { email: user.email, password: PASSWORD, totp_code: code }, { from: '127.0.0.63' })).status).toBe(429);
  });
});

describe('admins with a passkey', () => {
  it('reach admin routes: a passkey is a second factor', async () => {
    const admin = await signInAdmin(api(), { withFactor: false });
    expect((await api().get('/users', { token: admin.token })).status).toBe(403);
    await addPasskey(admin.token, new SoftwareAuthenticator(origin()));
    expect((await api().get('/users', { token: admin.token })).status).toBe(200);
  });
});
