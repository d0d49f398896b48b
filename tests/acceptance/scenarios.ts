/**
 * The HTTP acceptance scenarios, black-box: only requests to a target. `npm test` runs them against
 * the local gateway (tests/acceptance/local.test.ts), `npm run test:deployed` against a deployed
 * stage (tests/acceptance/deployed.test.ts). Every account, pending payment and record they create
 * is deleted after the run. Payment statuses are never moved forward here: a settled payment cannot
 * be deleted (tests/http/payments.test.ts covers the status machine locally).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defined } from '../../tools/values.ts';
import { type Account, Created, newEmail, newPhone, PASSWORD, signIn, unique } from './accounts.ts';
import { type ApiResponse, type Client, clientFor, type Target } from './target.ts';

/** Keys whose path encoding is easy to get wrong: each must round-trip exactly. */
const AWKWARD_KEYS = ['settings/theme', 'with space', '100% sure', 'literal %41 and %2F', 'a+b=c&d?e#f', 'ключ/日本語 🔑', '/leading/and/trailing/'];
const kvPath = (key: string) => `/kv/${encodeURIComponent(key)}`;
/** DynamoDB orders sort keys by their UTF-8 bytes. */
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

const VISA = '4111111111111111';
/** Seed 001's sample body, with a card that has not expired and the status left pending (so it can be deleted). */
const seedPayment = (userId: string) => ({
  user_id: userId,
  amount: 500.0,
  payment_method: 'Credit Card',
  card_no: VISA,
  card_expiry: '2030-12-01',
  card_cvc: '123',
  status: 'pending',
  currency: 'INR',
  description: 'Payment for services',
});

export function acceptanceScenarios(target: Target) {
  let client: Client;
  const api = () => client;
  const created = new Created(target);
  const asAdmin = async () => ({ token: await created.adminToken() });

  /** Two accounts most scenarios share (bcrypt makes every sign-up cost a fifth of a second). */
  let user: Account;
  let other: Account;
  beforeAll(async () => {
    client = clientFor(target);
    [user, other] = [await created.register(), await created.register()];
  });
  afterAll(() => created.cleanUp());

  describe('accounts', () => {
    it('mails a sign-up link through the mail service: an address at SES’s mailbox simulator is answered 202', async () => {
      // On AWS the mail goes out through SES to its simulator, which accepts it and delivers nowhere;
      // locally through the local SES. Sent again on every run: past 3 an hour, none goes, same answer.
      const res = await api().post('/auth/register', { email: 'success@simulator.amazonses.com', password: PASSWORD, name: 'Simulator' });
      expect(res.status, res.text).toBe(202);
      expect(res.body).toEqual({ status: 'verification_sent', email: 'success@simulator.amazonses.com' });
    });

    it.runIf(target.verificationToken)('signs up through the mailed link, signs in by email (any case) and by username, and reads /me', async () => {
      const [username, email] = [unique(), newEmail()];
      const { res, account } = await created.signUp({ email, username, name: 'Ada Acceptance' });
      expect(res.status, res.text).toBe(200);
      expect(res.body.user).toMatchObject({ email, username, name: 'Ada Acceptance', role: 'user', version: 1 });
      expect(res.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
      expect(res.text).not.toContain(PASSWORD);

      const byEmail = await signIn(api(), { email: email.toUpperCase() });
      expect(byEmail.status).toBe(200);
      expect(byEmail.body.user.user_id).toBe(account.id);
      const byUsername = await signIn(api(), { username });
      expect(byUsername.status).toBe(200);
      expect(byUsername.body.user.user_id).toBe(account.id);
      expect((await signIn(api(), { email }, 'Wrong-Password-1!')).status).toBe(401);

      const me = await api().get('/me', { token: byUsername.body.access_token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ user_id: account.id, email, username });
      expect((await api().get('/me')).status).toBe(401);
    });

    it('rotates refresh tokens: a duplicate within seconds gets the same pair, a later replay ends the whole session', async () => {
      const account = await created.register();
      const rotated = await api().post('/auth/token', { refresh_token: account.refreshToken });
      expect(rotated.status).toBe(200);
      expect(rotated.body.refresh_token).not.toBe(account.refreshToken);
      expect((await api().get('/me', { token: rotated.body.access_token })).status).toBe(200);

      // Presented again within seconds, it is a duplicate (two tabs) and gets the same pair; after that, a replay.
      const duplicate = await api().post('/auth/token', { refresh_token: account.refreshToken });
      if (duplicate.status === 200) expect(duplicate.body).toEqual(rotated.body);
      await expect
        .poll(async () => (await api().post('/auth/token', { refresh_token: account.refreshToken })).status, { timeout: 30_000, interval: 2000 })
        .toBe(401);
      expect((await api().post('/auth/token', { refresh_token: rotated.body.refresh_token })).status).toBe(401);
      expect((await api().get('/me', { token: rotated.body.access_token })).status).toBe(401);
    });

    it('logs out: that session’s access and refresh tokens stop at once, another session goes on', async () => {
      const account = await created.register();
      const other = await signIn(api(), { email: account.email });
      expect((await api().post('/auth/logout', undefined, { token: account.token })).status).toBe(204);
      expect((await api().get('/me', { token: account.token })).status).toBe(401);
      expect((await api().post('/auth/token', { refresh_token: account.refreshToken })).status).toBe(401);
      expect((await api().get('/me', { token: other.body.access_token })).status).toBe(200);
    });

    it('deletes one’s own account: its email no longer signs in', async () => {
      const account = await created.register();
      expect(await created.deleteSelf(account)).toBe(true);
      expect((await signIn(api(), { email: account.email })).status).toBe(401);
      expect((await api().get('/me', { token: account.token })).status).toBe(401);
    });
  });

  describe('users', () => {
    it('reads and updates oneself with If-Match; another user’s id is a 404', async () => {
      const me = user;
      const read = await api().get(`/users/${me.id}`, { token: me.token });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ user_id: me.id, email: me.email, version: 1 });
      const etag = defined(read.headers.get('etag'), 'an ETag');
      expect(etag).toBe('"1"');

      const stale = await api().patch(`/users/${me.id}`, { name: 'Stale' }, { token: me.token, headers: { 'if-match': '"0"' } });
      expect(stale.status).toBe(412);
      const updated = await api().patch(`/users/${me.id}`, { name: 'Renamed', country: 'IE' }, { token: me.token, headers: { 'if-match': etag } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'Renamed', country: 'IE', version: 2 });
      expect(updated.headers.get('etag')).toBe('"2"');
      expect((await api().get(`/users/${me.id}`, { token: me.token })).body.name).toBe('Renamed');

      const foreign = await api().get(`/users/${other.id}`, { token: me.token });
      expect(foreign.status).toBe(404);
      expect((await api().patch(`/users/${other.id}`, { name: 'Mallory' }, { token: me.token })).status).toBe(404);
      expect((await api().get('/users', { token: me.token })).status).toBe(403);
      expect((await api().get(`/users/${other.id}`, { token: other.token })).body.name).toBe('Acceptance Test');
    });

    describe.skipIf(!target.admin)('as an admin', () => {
      it('finds, creates, reads, updates and deletes users', async () => {
        const found = await api().get(`/users?email=${encodeURIComponent(user.email)}`, await asAdmin());
        expect(found.status).toBe(200);
        expect(found.body.items.map((u: { user_id: string }) => u.user_id)).toEqual([user.id]);
        const page = await api().get('/users?limit=2', await asAdmin());
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeGreaterThan(0);

        const email = newEmail();
        const made = await api().post('/users', { email, name: 'Made By Admin' }, await asAdmin());
        expect(made.status, made.text).toBe(201);
        created.userByAdmin(made.body.user_id);
        expect(made.body).toMatchObject({ email, name: 'Made By Admin', role: 'user' });
        expect((await api().follow(made, await asAdmin())).body.email).toBe(email);
        const changed = await api().patch(
          `/users/${made.body.user_id}`,
          { name: 'Changed By Admin' },
          { ...(await asAdmin()), headers: { 'if-match': '"1"' } },
        );
        expect(changed.status).toBe(200);
        expect(changed.body.name).toBe('Changed By Admin');
        expect((await api().delete(`/users/${made.body.user_id}`, await asAdmin())).status).toBe(204);
        expect((await api().get(`/users/${made.body.user_id}`, await asAdmin())).status).toBe(404);
      });
    });
  });

  describe('payments', () => {
    const pay = async (owner: Account, body: object, headers?: Record<string, string>) => {
      const res = await api().post('/payments', body, { token: owner.token, headers });
      if (res.status === 201) created.payment(res.body.payment_id, owner);
      return res;
    };

    it("takes seed 001's body, masks the card, lists, reads, updates while pending and deletes", async () => {
      const owner = user;
      const res = await pay(owner, seedPayment(owner.id));
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({
        user_id: owner.id,
        amount: 500,
        amount_minor: 50000,
        currency: 'INR',
        card_no: 'XXXX-XXXX-XXXX-1111',
        card_brand: 'visa',
        card_last4: '1111',
        card_expiry: '2030-12',
        status: 'pending',
        version: 1,
      });
      expect(res.text).not.toContain(VISA);
      expect(res.text).not.toContain('card_cvc');
      const id = res.body.payment_id;
      expect((await api().follow(res, { token: owner.token })).body).toEqual(res.body);
      expect((await api().get('/payments', { token: owner.token })).body.items.map((p: { payment_id: string }) => p.payment_id)).toEqual([id]);
      expect((await api().get(`/payments/${id}`, { token: other.token })).status).toBe(404);

      const updated = await api().put(
        `/payments/${id}`,
        { amount: 450.5, description: 'Changed while pending' },
        { token: owner.token, headers: { 'if-match': '"1"' } },
      );
      expect(updated.status, updated.text).toBe(200);
      expect(updated.body).toMatchObject({ amount: 450.5, amount_minor: 45050, description: 'Changed while pending', status: 'pending', version: 2 });
      expect((await api().get(`/payments/${id}`, { token: owner.token })).body.version).toBe(2);

      expect((await api().delete(`/payments/${id}`, { token: other.token })).status).toBe(404);
      expect((await api().delete(`/payments/${id}`, { token: owner.token })).status).toBe(204);
      expect((await api().get(`/payments/${id}`, { token: owner.token })).status).toBe(404);
    });

    it('replays a POST with the same Idempotency-Key and body, creating one payment', async () => {
      const owner = other;
      const body = { amount: '12.50', currency: 'EUR', payment_method: 'Debit Card', card_no: '5555 5555 5555 4444', card_expiry: '01/31', card_cvc: '321' };
      const headers = { 'idempotency-key': unique() };
      const first = await pay(owner, body, headers);
      expect(first.status, first.text).toBe(201);
      const again = await pay(owner, body, headers);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await pay(owner, { ...body, amount: '13.00' }, headers)).status).toBe(422);
      expect((await api().get('/payments', { token: owner.token })).body.items).toHaveLength(1);
      expect((await api().delete(`/payments/${first.body.payment_id}`, { token: owner.token })).status).toBe(204);
    });
  });

  describe('key-value store', () => {
    it('round-trips keys with /, spaces, %, +, ? and non-ASCII exactly through PUT, GET, list and DELETE', async () => {
      const owner = await created.register(); // its own store: the list must hold exactly these keys
      for (const key of AWKWARD_KEYS) {
        const put = await api().put(kvPath(key), { stored: key }, { token: owner.token });
        expect(put.status, `PUT ${key}: ${put.text}`).toBe(201);
        expect(put.body.key, key).toBe(key);
        const read = await api().get(kvPath(key), { token: owner.token });
        expect(read.status, `GET ${key}`).toBe(200);
        expect(read.body, key).toMatchObject({ key, value: { stored: key }, version: 1 });
        expect((await api().follow(put, { token: owner.token })).body.key, `Location of ${key}`).toBe(key);
      }
      const listed = await api().get('/kv?limit=100', { token: owner.token });
      expect(listed.body.items.map((e: { key: string }) => e.key)).toEqual(AWKWARD_KEYS.toSorted(byUtf8));
      for (const key of AWKWARD_KEYS) expect((await api().delete(kvPath(key), { token: owner.token })).status, `DELETE ${key}`).toBe(204);
      for (const key of AWKWARD_KEYS) expect((await api().get(kvPath(key), { token: owner.token })).status, `GET ${key} after DELETE`).toBe(404);
      expect((await api().get('/kv', { token: owner.token })).body.items).toEqual([]);
    });

    it('honours If-None-Match: * and If-Match on writes and deletes', async () => {
      const key = kvPath('lock/ä');
      const create = { token: user.token, headers: { 'if-none-match': '*' } };
      expect((await api().put(key, 1, create)).status).toBe(201);
      expect((await api().put(key, 2, create)).status).toBe(412);
      expect((await api().put(key, 3, { token: user.token, headers: { 'if-match': '"1"' } })).status).toBe(200);
      expect((await api().put(key, 4, { token: user.token, headers: { 'if-match': '"1"' } })).status).toBe(412);
      expect((await api().delete(key, { token: user.token, headers: { 'if-match': '"1"' } })).status).toBe(412);
      const read = await api().get(key, { token: user.token });
      expect(read.body).toMatchObject({ value: 3, version: 2 });
      expect((await api().delete(key, { token: user.token, headers: { 'if-match': defined(read.headers.get('etag'), 'an ETag') } })).status).toBe(204);
    });

    it('lists by a prefix with /, a space and non-ASCII, page by page', async () => {
      for (const key of ['p/ä 1', 'p/ä 2', 'p/ä 3', 'p/b', 'q']) expect((await api().put(kvPath(key), 'v', { token: user.token })).status).toBe(201);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: ApiResponse = await api().get(`/kv?prefix=${encodeURIComponent('p/ä ')}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
          token: user.token,
        });
        expect(page.status, page.text).toBe(200);
        seen.push(...page.body.items.map((e: { key: string }) => e.key));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(['p/ä 1', 'p/ä 2', 'p/ä 3']);
    });
  });

  describe('phone records', () => {
    it('answers 404 for an unknown id and an empty page for an unknown phone (creates nothing)', async () => {
      expect((await api().get(`/records/${'A'.repeat(43)}`, { token: user.token })).status).toBe(404);
      const lookup = await api().post('/records/lookup', { phone: newPhone() }, { token: user.token });
      expect(lookup.status).toBe(200);
      expect(lookup.body).toEqual({ items: [], next_cursor: null });
    });

    it('creates, reads by id, lists, looks up by phone in the body and deletes one’s own record, which nobody else sees', async () => {
      const phone = newPhone();
      const res = await api().post('/records', { name: 'John Doe', phone, dob: '1990-01-01', height: '175', weight: '70' }, { token: user.token });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({
        record_id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        user_id: user.id,
        name: 'John Doe',
        dob: '1990-01-01',
        height: 175,
        weight: 70,
      });
      expect(res.text).not.toContain(phone);
      const id = res.body.record_id;
      const byId = await api().follow(res, { token: user.token });
      expect(byId.body).toEqual(res.body);
      expect((await api().get('/records', { token: user.token })).body.items).toContainEqual(res.body);
      expect((await api().post('/records/lookup', { phone }, { token: user.token })).body.items).toEqual([res.body]);

      // Another account neither sees it nor learns that the phone has one.
      const other = await created.register();
      expect((await api().get(`/records/${id}`, { token: other.token })).status).toBe(404);
      expect((await api().post('/records/lookup', { phone }, { token: other.token })).body).toEqual({ items: [], next_cursor: null });
      expect((await api().delete(`/records/${id}`, { token: other.token })).status).toBe(404);

      expect((await api().delete(`/records/${id}`, { token: user.token })).status).toBe(204);
      expect((await api().get(`/records/${id}`, { token: user.token })).status).toBe(404);
      expect((await api().post('/records/lookup', { phone }, { token: user.token })).body.items).toEqual([]);
    });
  });

  describe('docs and console', () => {
    it('serve /health, /openapi.json, /docs, /apidocs and the console without an API key, at this address', async () => {
      const health = await api().get('/health', { apiKey: null });
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });

      const openapi = await api().get('/openapi.json', { apiKey: null });
      expect(openapi.status).toBe(200);
      expect(openapi.body.openapi).toBe('3.1.0');
      expect(openapi.body.servers).toEqual([{ url: new URL(api().base).pathname.replace(/\/$/, '') || '/' }]); // a path: never built from the Host header
      expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/auth/register', '/kv/{key}', '/payments/{id}', '/records/lookup']));

      const docs = await api().get('/docs', { apiKey: null });
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type')).toContain('text/html');
      const stagePath = new URL(api().base).pathname.replace(/\/$/, '');
      expect(docs.text).toContain(`<base href="${stagePath}/">`); // a path: never built from the Host header
      const legacy = await api().get('/apidocs', { apiKey: null });
      expect(legacy.status).toBe(302);
      expect(new URL(defined(legacy.headers.get('location'), 'a Location'), legacy.url).href).toBe(`${api().base}/docs`);

      const page = await api().get('/', { apiKey: null });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      // The console carries a key of its own (its usage plan has no budget to spend), never the clients'.
      const consoleKey = /<meta name="api-key" content="([^"]+)">/.exec(page.text)?.[1];
      expect(consoleKey).toBeDefined();
      expect(consoleKey).not.toBe(target.apiKey);
      expect((await api().get('/me', { apiKey: consoleKey })).status).toBe(401); // accepted by the gateway: no token
      expect((await api().get('/assets/console.js', { apiKey: null })).status).toBe(200);
    });
  });

  // Last: the flood empties the key's bucket, which the clean-up then waits out.
  describe('gateway', () => {
    it('answers 403 without an API key or with a wrong one, and 404 for an unknown route', async () => {
      for (const apiKey of [null, `wrong-${unique()}`]) {
        expect((await api().send('POST', '/auth/login', { apiKey, body: { email: newEmail(), password: PASSWORD } })).status).toBe(403);
      }
      const unknown = await api().get(`/no-such-route-${unique()}`);
      expect(unknown.status).toBe(404);
      expect((await api().delete('/users')).status).toBe(404);
      // The same with a bearer token, as the console sends every request. API Gateway is reported to read
      // an unknown path's Authorization header as an AWS signature and refuse it otherwise (403): the
      // deployed run settles it (the local gateway answers 404 either way).
      const withToken = await api().get(`/no-such-route-${unique()}`, { token: user.token });
      expect({ status: withToken.status, body: withToken.body }, 'an unknown path with a bearer token').toEqual({ status: unknown.status, body: unknown.body });
      // The gateway's own answers carry the security headers, the quoted CSP sources included.
      const fromFunction = await api().get('/health', { apiKey: null });
      for (const name of [
        'content-security-policy',
        'strict-transport-security',
        'x-content-type-options',
        'x-frame-options',
        'cache-control',
        'referrer-policy',
      ]) {
        expect(unknown.headers.get(name), name).toBe(fromFunction.headers.get(name));
      }
    });

    // Locally the gateway matches resources exactly (tests/http/strict-parsing.test.ts); a deployment
    // shows that API Gateway does too, rather than reading `//x` as a host or collapsing the slashes.
    it('routes a path with an empty segment nowhere: 404, never /me or the console', async () => {
      const unknown = await api().get(`/no-such-route-${unique()}`, { token: user.token });
      for (const path of ['//x/me', '//me', '//health']) {
        const res = await api().get(path, { token: user.token });
        expect({ status: res.status, body: res.body }, path).toEqual({ status: 404, body: unknown.body });
      }
    });

    // What API Gateway answers past its quotas on a request's head is not documented: the contract says
    // 413 problem+json (REQUEST_TOO_LARGE), and this is where a deployment confirms it.
    it('answers headers or a URL over API Gateway’s 10,240 with 413 problem+json, and a body no route accepts with 413', async () => {
      const [padding, key] = ['a'.repeat(10_240), kvPath(unique())]; // PUT /kv/{key} documents a 413
      expect((await api().send('PUT', key, { token: user.token, body: 1, headers: { 'x-padding': padding } })).status).toBe(413);
      expect((await api().send('PUT', `${key}?padding=${padding}`, { token: user.token, body: 1 })).status).toBe(413);
      // 600,002 bytes: over the WAF body rule's 599,999 (its 413 is application/json, the only JSON type a WAF
      // response can have) or, without the WAF, over PUT /kv's 512 KiB (the function's 413 problem+json).
      const body = await clientFor(target, { checkErrors: false }).send('PUT', key, { token: user.token, body: 'x'.repeat(600_000) });
      expect(body.status).toBe(413);
      expect(body.body).toMatchObject({ type: 'about:blank', status: 413 });
    });

    it('throttles one key flooding past the usage plan’s burst of 60: 429 with Retry-After', async () => {
      // 120 requests, all at once, to a route that answers without touching the table (401): twice the
      // burst, arriving together however slow the answers are (on a busy machine 25 at a time came
      // slower than the plan's 30 a second refill), and few enough to go at once under the deployed
      // run's pace (a fifth of the WAF's per-address limit a minute).
      const flood = 120;
      await target.room?.(flood);
      const statuses: number[] = [];
      const throttled: ApiResponse[] = [];
      const next = { index: 0 };
      await Promise.all(
        Array.from({ length: flood }, async () => {
          while (next.index++ < flood) {
            const res = await api().send('GET', '/me');
            statuses.push(res.status);
            if (res.status === 429) throttled.push(res);
          }
        }),
      );
      expect(
        statuses.filter((s) => s !== 401 && s !== 429),
        'statuses other than 401 (passed) and 429 (throttled)',
      ).toEqual([]);
      expect(throttled.length, 'requests throttled').toBeGreaterThan(0);
      expect(statuses.length - throttled.length, 'requests passed').toBeGreaterThan(0);
      for (const res of throttled) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });
}
