/**
 * The OWASP API Security Top 10 (2023), one group per item that applies to this API. API7 (SSRF) and
 * API10 (unsafe consumption of third-party APIs) do not apply: the API fetches no URL a client gives
 * and calls no outside API. API6 (sensitive business flows) is covered by the sign-in lockout, the
 * record-lookup limit and idempotent payments (tests/http).
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { env, getSecrets } from '../../shared/config/index.ts';
import { passkeys } from '../../shared/db/passkeys.ts';
import { SECURITY_HEADERS } from '../../shared/http/security-headers.ts';
import { type RouteDef, routes } from '../../shared/routes.ts';
import { defined } from '../../tools/values.ts';
import { type Account, PASSWORD, registerUser, signInAdmin } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';

const gateway = useGateway();
const api = () => gateway.api;
const allRoutes = Object.entries(routes) as [string, RouteDef][];
const CARD = '4111111111111111';
const PHONE = '9812345670';

let a: Account;
let b: Account;
let admin: Account;
const owned = { user: '', payment: '', kv: '', record: '', session: '', passkey: '' }; // set in beforeAll
beforeAll(async () => {
  [a, b, admin] = [await registerUser(api()), await registerUser(api()), await signInAdmin(api())];
  owned.user = a.id;
  owned.payment = (
    await api().post(
      '/payments',
      { amount: 10, currency: 'USD', payment_method: 'Credit Card', card_no: CARD, card_expiry: '12/30', card_cvc: '321' },
      { token: a.token },
    )
  ).body.payment_id;
  owned.kv = 'private/notes';
  await api().put('/kv/private%2Fnotes', { secret: 'A only' }, { token: a.token });
  owned.record = (
    await api().post('/records', { name: 'A Patient', phone: PHONE, dob: '1980-01-01', height: 170, weight: 70 }, { token: a.token })
  ).body.record_id;
  owned.session = defined((await api().get('/me/sessions', { token: a.token })).body.items[0], 'a session of A').session_id;
  const passkey = { userId: a.id, credentialId: randomBytes(16).toString('base64url'), publicKey: 'pQECAyYgASFYIA', counter: 0 };
  owned.passkey = (await passkeys.add({ ...passkey, transports: [], name: 'Laptop', deviceType: 'singleDevice', backedUp: false })).id;
});

const objectPath = (route: RouteDef) =>
  route.path
    .replace('/users/{id}', `/users/${owned.user}`)
    .replace('/payments/{id}', `/payments/${owned.payment}`)
    .replace('/kv/{key}', `/kv/${encodeURIComponent(owned.kv)}`)
    .replace('/records/{id}', `/records/${owned.record}`)
    .replace('/me/sessions/{id}', `/me/sessions/${owned.session}`)
    .replace('/me/passkeys/{id}', `/me/passkeys/${owned.passkey}`);
const bodyFor: Record<string, unknown> = {
  'users.update': { name: 'Pwned' },
  'users.patch': { name: 'Pwned' },
  'payments.update': { status: 'completed' },
  'kv.put': 'overwritten',
  'passkeys.rename': { name: 'Pwned' },
  'passkeys.remove': { current_password: PASSWORD }, // B's own password: B's step-up passes, A's passkey is still not B's
  'me.endSession': { current_password: PASSWORD }, // another session needs step-up: B's passes, A's session is still not B's
};

describe('API1:2023 Broken Object Level Authorization', () => {
  // A route that creates at a name the caller picks (PUT /kv/{key}) writes in the caller's own store: below.
  const objectRoutes = allRoutes.filter(([, r]) => /\{(id|key)\}/.test(r.path) && r.auth === 'user' && !r.creates);

  it.each(objectRoutes)("%s: user B gets 404 for user A's object, which stays unchanged", async (id, route) => {
    const res = await api().call(route.method, objectPath(route), { token: b.token, body: bodyFor[id] });
    expect(res.status).toBe(404);
    expect((await api().get(`/users/${a.id}`, { token: a.token })).body.name).toBe('Test User'); // A's session is still open too
    expect((await api().get(`/payments/${owned.payment}`, { token: a.token })).body.status).toBe('pending');
    expect((await api().get('/kv/private%2Fnotes', { token: a.token })).body.value).toEqual({ secret: 'A only' });
    expect((await api().get(`/records/${owned.record}`, { token: a.token })).body.name).toBe('A Patient');
    expect((await api().get('/me/passkeys', { token: a.token })).body.items).toEqual([expect.objectContaining({ passkey_id: owned.passkey, name: 'Laptop' })]);
  });

  it("lets B write and delete only in B's own store, whatever key B names", async () => {
    expect((await api().put('/kv/private%2Fnotes', 'B', { token: b.token })).status).toBe(201);
    expect((await api().delete('/kv/private%2Fnotes', { token: b.token })).status).toBe(204);
    expect((await api().delete('/kv/private%2Fnotes', { token: b.token })).status).toBe(404);
    expect((await api().get('/kv/private%2Fnotes', { token: a.token })).body).toMatchObject({ value: { secret: 'A only' }, version: 1 });
  });

  it("keeps lists to the caller's own objects", async () => {
    expect((await api().get('/payments', { token: b.token })).body.items).toEqual([]);
    expect((await api().get(`/payments?user_id=${a.id}`, { token: b.token })).status).toBe(404);
    expect((await api().get('/kv', { token: b.token })).body.items).toEqual([]);
    expect((await api().get('/kv?prefix=private', { token: b.token })).body.items).toEqual([]);
    expect((await api().get('/records', { token: b.token })).body.items).toEqual([]);
    expect((await api().get(`/records?user_id=${a.id}`, { token: b.token })).status).toBe(404);
  });

  it("keeps A's record of a phone out of B's reach by phone: B's lookup and delete see only B's own", async () => {
    expect((await api().post('/records/lookup', { phone: PHONE }, { token: b.token })).body.items).toEqual([]);
    expect((await api().post('/records/delete', { phone: PHONE }, { token: b.token })).status).toBe(404);
    expect((await api().post('/records/lookup', { phone: PHONE }, { token: a.token })).body.items).toEqual([
      expect.objectContaining({ record_id: owned.record }),
    ]);
  });
});

describe('API2:2023 Broken Authentication', () => {
  it('pins the algorithm: a token signed with the right key but HS512 is refused', async () => {
    const { jwtKey } = await getSecrets();
    const claims = JSON.parse(Buffer.from(defined(a.token.split('.')[1], 'the JWT payload'), 'base64url').toString());
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(jwtKey);
    expect((await api().get('/me', { token: hs512 })).status).toBe(401);
    const longLived = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) + 86400 * 365 })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('attacker')
      .setAudience(env.jwtAudience)
      .sign(jwtKey);
    expect((await api().get('/me', { token: longLived })).status).toBe(401);
  });

  it('believes a token signed with the key only within its lifetime and its session: no future iat, no long life, no other role', async () => {
    const { jwtKey } = await getSecrets();
    const claims = JSON.parse(Buffer.from(defined(a.token.split('.')[1], 'the JWT payload'), 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    const forged = (changes: object) => new SignJWT({ ...claims, ...changes }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(jwtKey);
    expect((await api().get('/me', { token: await forged({ jti: 'fresh' }) })).status).toBe(200); // the forgery works as such
    const refused = {
      'iat in the future': await forged({ iat: now + 3600, exp: now + 3600 + 900 }),
      'a century long': await forged({ iat: now, exp: now + 100 * 365 * 86400 }),
      'one second over 15 minutes': await forged({ iat: now, exp: now + 901 }),
      'another role than its session': await forged({ role: 'admin' }),
    };
    for (const [why, token] of Object.entries(refused)) {
      expect((await api().get('/me', { token })).status, why).toBe(401);
      expect((await api().get('/users', { token })).status, why).toBeGreaterThanOrEqual(401);
      expect((await api().get('/users', { token })).status, why).not.toBe(200);
    }
  });

  it('refuses tokens on every signed-in route once the session is closed', async () => {
    const victim = await registerUser(api());
    await api().post('/auth/logout', undefined, { token: victim.token });
    for (const [id, route] of allRoutes.filter(([, r]) => r.auth === 'user')) {
      const body = route.method === 'GET' ? undefined : (bodyFor[id] ?? {});
      const res = await api().call(route.method, route.path.replace(/\{\w+\}/, '00000000-0000-4000-8000-000000000000'), { token: victim.token, body });
      expect(res.status, id).toBe(401);
    }
  });

  it('detects refresh-token reuse and slows brute force', async () => {
    const victim = await registerUser(api());
    await api().post('/auth/token', { refresh_token: victim.refreshToken });
    // Within seconds it is a duplicate (the same pair); after that, a replay.
    await expect
      .poll(async () => (await api().post('/auth/token', { refresh_token: victim.refreshToken })).status, { timeout: 20_000, interval: 1000 })
      .toBe(401);
    const attempts = [];
    for (let i = 0; i < 6; i++) attempts.push((await api().post('/auth/login', { email: victim.email, password: `Guess-${i}-Aa!` })).status);
    expect(attempts).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('counts a guess before checking it: a burst of 30 parallel guesses gets 5 checked, and a right password after them is refused', async () => {
    const victim = await registerUser(api());
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api().post('/auth/login', { email: victim.email, password: `Guess-${i}-Aa!` }, { from: '127.0.0.2' })),
    );
    expect(burst.filter((r) => r.status === 401)).toHaveLength(5);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(25);
    expect((await api().post('/auth/login', { email: victim.email, password: PASSWORD }, { from: '127.0.0.2' })).status).toBe(429);
  });

  it('cannot be weaponised: a lock earned from one address leaves the owner free to sign in from another', async () => {
    const victim = await registerUser(api());
    for (let i = 0; i < 5; i++) await api().post('/auth/login', { email: victim.email, password: `Guess-${i}-Aa!` }, { from: '127.0.0.2' });
    expect((await api().post('/auth/login', { email: victim.email, password: PASSWORD }, { from: '127.0.0.2' })).status).toBe(429);
    expect((await api().post('/auth/login', { email: victim.email, password: PASSWORD }, { from: '127.0.0.3' })).status).toBe(200);
  });

  it('makes a stolen access token useless for a takeover: password, email and deletion need the current password, which is no oracle', async () => {
    const victim = await registerUser(api());
    const stolen = { token: victim.token, from: '127.0.0.2' };
    expect((await api().patch(`/users/${victim.id}`, { password: 'Attacker-Pass-1' }, stolen)).status).toBe(400);
    expect((await api().patch(`/users/${victim.id}`, { email: `taken-over-${Date.now()}@example.com` }, stolen)).status).toBe(400);
    expect((await api().delete(`/users/${victim.id}`, stolen)).status).toBe(400);
    // Guessing the current password through the token: 30 parallel guesses, 5 checked, the rest refused unchecked.
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api().patch(`/users/${victim.id}`, { password: 'Attacker-Pass-1', current_password: `Guess-${i}-Aa!` }, stolen)),
    );
    expect(burst.filter((r) => r.status === 403)).toHaveLength(5);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(25);
    expect((await api().delete(`/users/${victim.id}`, { ...stolen, body: { current_password: PASSWORD } })).status).toBe(429);
    // The account is untouched and its owner signs in as ever.
    expect((await api().get('/me', { token: victim.token })).body).toMatchObject({ email: victim.email, version: 1 });
    expect((await api().post('/auth/login', { email: victim.email, password: PASSWORD }, { from: '127.0.0.3' })).status).toBe(200);
  });
});

describe('API3:2023 Broken Object Property Level Authorization', () => {
  const massAssignment: [string, string, Record<string, unknown>][] = [
    ['auth.register', '/auth/register', { email: 'm@example.com', password: PASSWORD, name: 'M', role: 'admin' }],
    ['users.update', `/users/{me}`, { role: 'admin' }],
    ['users.update', `/users/{me}`, { version: 99, created_at: '2000-01-01', password_hash: 'x', user_id: 'x' }],
    [
      'payments.create',
      '/payments',
      { amount: 1, currency: 'USD', payment_method: 'Credit Card', card_no: CARD, card_expiry: '12/30', card_cvc: '123', payment_id: 'x', version: 5 },
    ],
    ['payments.update', `/payments/{payment}`, { user_id: 'someone', amount_minor: 1 }],
    [
      'records.create',
      '/records',
      { name: 'X', phone: '9000000099', dob: '1990-01-01', height: 170, weight: 70, record_id: 'chosen', key_id: '0', user_id: 'someone' },
    ],
  ];

  it.each(massAssignment)('%s refuses properties a client may not set', async (id, path, body) => {
    const route = routes[id as keyof typeof routes];
    const res = await api().call(route.method, path.replace('{me}', a.id).replace('{payment}', owned.payment), { token: a.token, body });
    expect([400, 403]).toContain(res.status);
    expect((await api().get('/me', { token: a.token })).body.role).toBe('user');
  });

  it('exposes no secret property or value in any response this file received', () => {
    const names = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          names.add(k);
          walk(v);
        }
      }
    };
    for (const s of gateway.seen) walk(s.body);
    for (const secret of [
      'password',
      'password_hash',
      'card_no_sealed',
      'profile_sealed',
      'details_sealed',
      'card_cvc',
      'request_hash',
      'key_id',
      'created_by',
    ])
      expect(names.has(secret), secret).toBe(false);
    const everything = JSON.stringify(gateway.seen.map((s) => s.body));
    for (const value of [CARD, PHONE, PASSWORD, '"321"']) expect(everything, value).not.toContain(value);
    expect(gateway.seen.length).toBeGreaterThan(30);
  });
});

describe('API4:2023 Unrestricted Resource Consumption', () => {
  it.each(allRoutes.filter(([, r]) => r.body))('%s refuses a body over its limit with 413', async (_id, route) => {
    const size = (route.maxBodyBytes ?? 64 * 1024) + 1024;
    const res = await api().call(route.method, objectPath(route), {
      token: admin.token,
      raw: JSON.stringify({ pad: 'x'.repeat(size) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
  });

  it.each(allRoutes.filter(([, r]) => r.query))('%s caps page size at 100', async (_id, route) => {
    const body = route.body && { phone: PHONE };
    expect((await api().call(route.method, `${route.path}?limit=101`, { token: admin.token, body })).status).toBe(400);
    expect((await api().call(route.method, `${route.path}?limit=100`, { token: admin.token, body })).status).toBe(200);
  });
});

describe('API5:2023 Broken Function Level Authorization', () => {
  it.each(allRoutes.filter(([, r]) => r.auth === 'admin'))('%s: a user gets 403, an anonymous caller 401', async (_id, route) => {
    const path = route.path.replace('{id}', owned.record);
    const body = route.method === 'GET' ? undefined : { phone: PHONE };
    expect((await api().call(route.method, path, { token: a.token, body })).status).toBe(403);
    expect((await api().call(route.method, path, { body })).status).toBe(401);
  });

  it('keeps every non-public route behind the API key', async () => {
    for (const [id, route] of allRoutes.filter(([, r]) => r.apiKey !== false)) {
      expect((await api().call(route.method, objectPath(route), { apiKey: null, token: admin.token })).status, id).toBe(403);
    }
  });
});

describe('API8:2023 Security Misconfiguration', () => {
  it('sends the security headers on every route, success or error', async () => {
    const throwaway = await registerUser(api()); // this sweep logs out and deletes its caller
    for (const [id, route] of allRoutes) {
      const res = await api().call(route.method, objectPath(route).replace(a.id, throwaway.id), { token: throwaway.token });
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        if (name === 'content-security-policy' && route.produces?.includes('text/html')) continue; // pages have their own CSP
        expect(res.headers.get(name), `${id} ${name}`).toBe(value);
      }
    }
  });

  it('grants no cross-origin access by default', async () => {
    const res = await api().get('/me', { token: a.token, headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers errors without internals', async () => {
    const res = await api().call('PUT', `/users/${a.id}`, { token: a.token, raw: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body).sort()).toEqual(['detail', 'status', 'title', 'type']);
  });
});

describe('API9:2023 Improper Inventory Management', () => {
  it('documents exactly the routes that exist, and nothing else answers', async () => {
    const { body: doc } = await api().get('/openapi.json');
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(allRoutes.map(([, r]) => `${r.method} ${r.path}`).sort());
    for (const [method, path] of [
      ['GET', '/admin'],
      ['GET', '/v1/users'],
      ['POST', '/users/x/roles'],
      ['GET', '/.env'],
      ['PATCH', '/payments/x'],
    ] as const) {
      expect((await api().call(method, path, { token: admin.token })).status, `${method} ${path}`).toBe(404);
    }
  });
});
