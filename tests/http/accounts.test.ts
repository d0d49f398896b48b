import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { env, getSecrets } from '../../shared/config/index.ts';
import { REFRESH_GRACE_SECONDS } from '../../shared/db/sessions.ts';
import { defined } from '../../tools/values.ts';
import { PASSWORD, registerUser, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;

describe('POST /auth/register', () => {
  it('refuses a role in the body: nobody makes themselves admin', async () => {
    const email = uniqueEmail();
    const res = await api().post('/auth/register', { email, password: PASSWORD, name: 'Mallory', role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors).toContainEqual({ path: 'body.role', message: 'Unknown field' });
    // Nothing was written or sent: the address's first mail is the link of the sign-up after.
    const account = await registerUser(api(), { email });
    expect(account.email).toBe(email);
  });

  it.each([
    ['too short', 'Aa1!aaa', 'at least 8'],
    ['no uppercase', 'abcdefg1!', 'uppercase'],
    ['no lowercase', 'ABCDEFG1!', 'lowercase'],
    ['no digit', 'Abcdefgh!', 'digit'],
    ['no special character', 'Abcdefgh1', 'special'],
    ['over 72 UTF-8 bytes', `Aa1!${'é'.repeat(35)}`, '72 bytes'],
  ])('enforces the password policy: %s', async (_case, password, message) => {
    const res = await api().post('/auth/register', { email: uniqueEmail(), password, name: 'P' });
    expect(res.status).toBe(400);
    expect(res.body.errors.find((e: { path: string }) => e.path === 'body.password').message).toContain(message);
  });

  it('accepts a password of exactly 72 bytes', async () => {
    await registerUser(api(), { password: `Aa1!${'kq7VxR2mPz9LwT4nHc8JdY6bFg3sQe5Ua1Xo0iKr'.repeat(2).slice(0, 68)}` });
  });
});

describe('POST /auth/login', () => {
  it('signs in with the email (any case) or the username', async () => {
    const username = `user_${Date.now()}`;
    const account = await registerUser(api(), { username });
    const byEmail = await api().post('/auth/login', { email: account.email.toUpperCase(), password: PASSWORD });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.user.user_id).toBe(account.id);
    const byUsername = await api().post('/auth/login', { username: username.toUpperCase(), password: PASSWORD });
    expect(byUsername.status).toBe(200);
    expect(byUsername.body.access_token).not.toBe(byEmail.body.access_token);
  });

  it('answers an unknown account and a wrong password with the same 401, after similar work', async () => {
    const account = await registerUser(api());
    const time = async (body: object) => {
      const started = performance.now();
      const res = await api().post('/auth/login', body);
      return { res, ms: performance.now() - started };
    };
    const wrong = await time({ email: account.email, password: 'Wrong-Password-1' });
    const unknown = await time({ email: uniqueEmail('nobody'), password: 'Wrong-Password-1' });
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    expect(wrong.res.body).toEqual(unknown.res.body);
    // Both paths pay for a bcrypt comparison; an early return for unknown accounts would take ~1 ms.
    expect(unknown.ms).toBeGreaterThan(wrong.ms / 4);
  });

  it('counts an unknown email like a known one, without storing it', async () => {
    const email = uniqueEmail('nobody');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await api().post('/auth/login', { email, password: 'Wrong-Password-1' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(JSON.stringify(await scanTable()).toLowerCase()).not.toContain(email.split('@')[0]);
  });

  it('locks an address out of an account after 5 failures in 15 minutes, even for the right password, and says when to retry', async () => {
    const account = await registerUser(api());
    for (let i = 0; i < 5; i++) {
      expect((await api().post('/auth/login', { email: account.email, password: 'Wrong-Password-1' })).status).toBe(401);
    }
    const locked = await api().post('/auth/login', { email: account.email, password: PASSWORD });
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Other accounts are not affected.
    const other = await registerUser(api());
    expect((await api().post('/auth/login', { email: other.email, password: PASSWORD })).status).toBe(200);
  });

  it('counts each guess before checking it: of 30 parallel wrong guesses 5 are checked, the rest are 429 unchecked', async () => {
    const account = await registerUser(api());
    const burst = await Promise.all(
      Array.from({ length: 30 }, () => api().post('/auth/login', { email: account.email, password: 'Wrong-Password-1' }, { from: '127.0.0.2' })),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    // Not checked, whatever it is: the right password from that address is refused too.
    expect((await api().post('/auth/login', { email: account.email, password: PASSWORD }, { from: '127.0.0.2' })).status).toBe(429);
  });

  it('lets a right password inside a burst give back only its own attempt: the address still locks after exactly 5 failures', async () => {
    const account = await registerUser(api());
    const guess = (password: string) => api().post('/auth/login', { email: account.email, password }, { from: '127.0.0.2' });
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => guess(i === 15 ? PASSWORD : 'Wrong-Password-1')));
    const checked = burst.filter((r) => r.status !== 429);
    expect(checked.length).toBeLessThanOrEqual(5);
    let failures = burst.filter((r) => r.status === 401).length;
    for (let i = 0; i < 5 && (await guess('Wrong-Password-1')).status === 401; i++) failures++;
    expect(failures).toBe(5);
    expect((await guess(PASSWORD)).status).toBe(429);
  });

  it('does not forget failures when the right password follows them', async () => {
    const account = await registerUser(api());
    const fail = () => api().post('/auth/login', { email: account.email, password: 'Wrong-Password-1' });
    for (let i = 0; i < 4; i++) expect((await fail()).status).toBe(401);
    expect((await api().post('/auth/login', { email: account.email, password: PASSWORD })).status).toBe(200);
    expect((await fail()).status).toBe(401);
    expect((await api().post('/auth/login', { email: account.email, password: PASSWORD })).status).toBe(429);
  });

  it('keeps one counter per account, whichever identifier names it', async () => {
    const username = `both_${Date.now()}`;
    const account = await registerUser(api(), { username });
    for (let i = 0; i < 3; i++) expect((await api().post('/auth/login', { email: account.email, password: 'Wrong-Password-1' })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await api().post('/auth/login', { username, password: 'Wrong-Password-1' })).status).toBe(401);
    expect((await api().post('/auth/login', { username, password: PASSWORD })).status).toBe(429);
    expect((await api().post('/auth/login', { email: account.email, password: PASSWORD })).status).toBe(429);
  });

  it('locks an address, not the owner: another address gets in, and past 10 failures the account is only slowed', async () => {
    const account = await registerUser(api());
    const login = (password: string, from: string, device_token?: string) =>
      api().post('/auth/login', { email: account.email, password, ...(device_token && { device_token }) }, { from });
    for (let i = 0; i < 5; i++) expect((await login('Wrong-Password-1', '127.0.0.2')).status).toBe(401);
    expect((await login(PASSWORD, '127.0.0.2')).status).toBe(429);
    const elsewhere = await login(PASSWORD, '127.0.0.3');
    expect(elsewhere.status).toBe(200);

    // Ten failures from anywhere: then one check every 30 seconds for the account's unknown devices,
    // so an attacker rotating through 20 fresh addresses gets at most one more guess…
    for (let i = 0; i < 5; i++) expect((await login('Wrong-Password-1', '127.0.0.4')).status).toBe(401);
    const rotating = await Promise.all(Array.from({ length: 20 }, (_, i) => login('Wrong-Password-1', `127.0.1.${i + 1}`)));
    expect(rotating.filter((r) => r.status === 401).length).toBeLessThanOrEqual(1);
    for (const refused of rotating.filter((r) => r.status === 429)) expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30);

    // …and the owner, on a device that signed in before, is in at once, from any address.
    expect((await login(PASSWORD, '127.0.0.5', elsewhere.body.device_token)).status).toBe(200);
    expect(JSON.stringify(await scanTable())).not.toMatch(/127\.0\.[01]\.\d/); // addresses are keyed hashes
  });

  it('refuses a password longer than 72 bytes with the ordinary 401, though bcrypt would match its prefix', async () => {
    const prefix = `Aa1!${'kq7VxR2mPz9LwT4nHc8JdY6bFg3sQe5Ua1Xo0iKr'.repeat(2).slice(0, 68)}`; // 72 bytes, not a guessable pattern
    const account = await registerUser(api(), { password: prefix });
    const time = async (password: string) => {
      const started = performance.now();
      const res = await api().post('/auth/login', { email: account.email, password });
      return { res, ms: performance.now() - started };
    };
    const longer = await time(`${prefix}y`);
    const wrong = await time('Wrong-Password-1');
    expect(longer.res.status).toBe(401);
    expect(longer.res.body).toEqual(wrong.res.body);
    expect(longer.ms).toBeGreaterThan(wrong.ms / 4); // checked against a hash all the same
    expect((await api().post('/auth/login', { email: account.email, password: prefix })).status).toBe(200);
  });

  it('needs exactly one of email or username', async () => {
    const res = await api().post('/auth/login', { email: 'a@example.com', username: 'a', password: 'x' });
    expect(res.status).toBe(400);
  });
});

describe('refresh tokens', () => {
  it('rotates: a refresh token gives a new pair; presented again within the grace period, the same pair; after it, a replay that ends the whole family', async () => {
    const account = await registerUser(api());
    const first = await api().post('/auth/token', { refresh_token: account.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(account.refreshToken);
    expect((await api().get('/me', { token: first.body.access_token })).status).toBe(200);

    // A retry right after (a lost answer, another tab) is a duplicate: the very same pair.
    const retry = await api().post('/auth/token', { refresh_token: account.refreshToken });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);

    // Past the grace period, the spent token is a replay (a thief, or the victim after the thief): it revokes the family…
    await expect
      .poll(
        async () => {
          const replay = await api().post('/auth/token', { refresh_token: account.refreshToken });
          if (replay.status === 200) expect(replay.body).toEqual(first.body); // still within the grace period
          return replay.status;
        },
        { timeout: (REFRESH_GRACE_SECONDS + 10) * 1000, interval: 1000 },
      )
      .toBe(401);
    // …so the newest refresh token and every access token of that session stop working.
    expect((await api().post('/auth/token', { refresh_token: first.body.refresh_token })).status).toBe(401);
    expect((await api().get('/me', { token: first.body.access_token })).status).toBe(401);
    expect((await api().get('/me', { token: account.token })).status).toBe(401);
  });

  it('gives two concurrent uses of one refresh token (two tabs) the same new pair, and the session goes on', async () => {
    const account = await registerUser(api());
    const results = await Promise.all(Array.from({ length: 3 }, () => api().post('/auth/token', { refresh_token: account.refreshToken })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const [first, ...others] = results.map((r) => r.body);
    for (const other of others) expect(other).toEqual(first);
    expect((await api().get('/me', { token: defined(first, 'a pair').access_token })).status).toBe(200);
    const next = await api().post('/auth/token', { refresh_token: defined(first, 'a pair').refresh_token });
    expect(next.status).toBe(200);
  });

  it('gives nothing to a duplicate whose session signed out meanwhile', async () => {
    const account = await registerUser(api());
    const first = await api().post('/auth/token', { refresh_token: account.refreshToken });
    expect((await api().post('/auth/logout', {}, { token: first.body.access_token })).status).toBe(204);
    expect((await api().post('/auth/token', { refresh_token: account.refreshToken })).status).toBe(401);
  });

  it('rejects an unknown refresh token', async () => {
    expect((await api().post('/auth/token', { refresh_token: 'not-a-token' })).status).toBe(401);
  });
});

describe('POST /auth/logout', () => {
  it('stops the access token and its refresh family at once, and leaves other sessions alone', async () => {
    const account = await registerUser(api());
    const other = await api().post('/auth/login', { email: account.email, password: PASSWORD });
    expect((await api().post('/auth/logout', undefined, { token: account.token })).status).toBe(204);
    expect((await api().get('/me', { token: account.token })).status).toBe(401);
    expect((await api().post('/auth/token', { refresh_token: account.refreshToken })).status).toBe(401);
    expect((await api().get('/me', { token: other.body.access_token })).status).toBe(200);
  });
});

describe('/me/sessions', () => {
  it('lists your open sessions page by page, marks the current one, and signs another out', async () => {
    const account = await registerUser(api());
    const second = await api().post('/auth/login', { email: account.email, password: PASSWORD });
    const third = await api().post('/auth/login', { email: account.email, password: PASSWORD });
    expect((await api().post('/auth/logout', undefined, { token: third.body.access_token })).status).toBe(204);
    const first = await api().get('/me/sessions?limit=1', { token: account.token });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const rest = await api().get(`/me/sessions?cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: account.token });
    const listed = [...first.body.items, ...rest.body.items];
    expect(listed).toHaveLength(2); // the logged-out one is gone
    expect(listed.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const other = listed.find((s: { current: boolean }) => !s.current);
    expect(Date.parse(other.expires_at)).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const proof = { body: { current_password: PASSWORD } };
    expect((await api().delete(`/me/sessions/${other.session_id}`, { ...proof, token: account.token })).status).toBe(204);
    expect((await api().get('/me', { token: second.body.access_token })).status).toBe(401);
    expect((await api().post('/auth/token', { refresh_token: second.body.refresh_token })).status).toBe(401);
    expect((await api().get('/me', { token: account.token })).status).toBe(200);
    expect((await api().get('/me/sessions', { token: account.token })).body.items).toHaveLength(1);
    // Gone, someone else's or malformed: nothing to sign out.
    expect((await api().delete(`/me/sessions/${other.session_id}`, { ...proof, token: account.token })).status).toBe(404);
    const stranger = await registerUser(api());
    const current = listed.find((s: { current: boolean }) => s.current).session_id;
    expect((await api().delete(`/me/sessions/${current}`, { ...proof, token: stranger.token })).status).toBe(404);
    expect((await api().delete('/me/sessions/not-an-id', { token: account.token })).status).toBe(400);
    expect((await api().get('/me', { token: account.token })).status).toBe(200);
  });
});

describe('access tokens', () => {
  const sign = async (claims: Record<string, unknown>, options: { key?: Uint8Array; iss?: string; aud?: string; exp?: string | number } = {}) => {
    const { jwtKey } = await getSecrets();
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setJti('j').setIssuedAt();
    if (options.exp !== undefined) jwt.setExpirationTime(options.exp);
    return jwt
      .setIssuer(options.iss ?? env.jwtIssuer)
      .setAudience(options.aud ?? env.jwtAudience)
      .sign(options.key ?? jwtKey);
  };

  it('accepts a genuine token and rejects every forgery or defect with 401', async () => {
    const account = await registerUser(api());
    const payload = JSON.parse(Buffer.from(defined(account.token.split('.')[1], 'the JWT payload'), 'base64url').toString());
    const claims = { sub: payload.sub, role: payload.role, sid: payload.sid };
    const admin = { ...claims, role: 'admin' };

    const forgeries: Record<string, string> = {
      'alg none': new UnsecuredJWT({ ...admin, iss: env.jwtIssuer, aud: env.jwtAudience }).setIssuedAt().setExpirationTime('5m').encode(),
      'wrong key': await sign(admin, { key: new Uint8Array(32).fill(7), exp: '5m' }),
      expired: await sign(claims, { exp: Math.floor(Date.now() / 1000) - 60 }),
      'wrong issuer': await sign(claims, { iss: 'someone-else', exp: '5m' }),
      'wrong audience': await sign(claims, { aud: 'another-api', exp: '5m' }),
      'no expiry': await sign(claims),
      'no session': await sign({ sub: payload.sub, role: payload.role }, { exp: '5m' }),
      'tampered payload': [
        account.token.split('.')[0],
        Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url'),
        account.token.split('.')[2],
      ].join('.'),
      garbage: 'not.a.token',
    };
    expect((await api().get('/me', { token: account.token })).status).toBe(200);
    for (const [defect, token] of Object.entries(forgeries)) {
      const res = await api().get('/me', { token });
      expect(res.status, defect).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await api().get('/me')).status).toBe(401);
    expect((await api().get('/me', { headers: { authorization: `Basic ${account.token}` } })).status).toBe(401);
  });
});
