import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { db, tableName } from '../../shared/db/client.ts';
import { paymentKeys, payments } from '../../shared/db/payments.ts';
import { defined } from '../../tools/values.ts';
import { type Account, registerUser, signInAdmin } from '../support/accounts.ts';
import { type ApiResponse, useGateway } from '../support/api.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;
let admin: Account;
beforeAll(async () => {
  admin = await signInAdmin(api());
});
afterEach(() => vi.useRealTimers());

const VISA = '4111111111111111';
const card = { card_no: VISA, card_expiry: '12/30', card_cvc: '987' };
const newPayment = (overrides: Record<string, unknown> = {}) => ({ amount: 12.5, currency: 'USD', payment_method: 'Credit Card', ...card, ...overrides });

async function pay(account: Account, overrides: Record<string, unknown> = {}) {
  const res = await api().post('/payments', newPayment(overrides), { token: account.token });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

describe('creating payments', () => {
  it("accepts seed 001's sample body as it is (with a real user id), and masks the card", async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-21T12:00:00Z') }); // the seed's card expires 2026-12
    const user = await registerUser(api());
    const seed = {
      user_id: user.id,
      amount: 500.0,
      payment_method: 'Credit Card',
      card_no: VISA,
      card_expiry: '2026-12-01',
      card_cvc: '123',
      status: 'completed',
      currency: 'INR',
      description: 'Payment for services',
    };
    const res = await api().post('/payments', seed, { token: user.token });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      user_id: user.id,
      amount: 500,
      amount_minor: 50000,
      currency: 'INR',
      card_no: 'XXXX-XXXX-XXXX-1111',
      card_brand: 'visa',
      card_last4: '1111',
      card_expiry: '2026-12',
      status: 'completed',
      description: 'Payment for services',
      version: 1,
    });
    expect(res.headers.get('location')).toBe(`/payments/${res.body.payment_id}`);
    expect(res.text).not.toContain(VISA);
    expect(res.text).not.toContain('card_cvc');
  });

  it('defaults user_id to the caller; only an admin names another user, who must exist', async () => {
    const a = await registerUser(api());
    const b = await registerUser(api());
    expect((await pay(a)).user_id).toBe(a.id);
    expect((await api().post('/payments', newPayment({ user_id: b.id }), { token: a.token })).status).toBe(403);
    const byAdmin = await api().post('/payments', newPayment({ user_id: b.id }), { token: admin.token });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.user_id).toBe(b.id);
    const ghost = await api().post('/payments', newPayment({ user_id: '00000000-0000-4000-8000-000000000000' }), { token: admin.token });
    expect(ghost.status).toBe(422);
    expect(ghost.body.errors[0].path).toBe('body.user_id');
  });

  it('stores amounts exactly in minor units, with the decimals the currency allows', async () => {
    const user = await registerUser(api());
    expect((await pay(user, { amount: 19.99 })).amount_minor).toBe(1999);
    expect((await pay(user, { amount: '0.30' })).amount_minor).toBe(30);
    expect(await pay(user, { amount: 1500, currency: 'JPY' })).toMatchObject({ amount: 1500, amount_minor: 1500 });
    expect(await pay(user, { amount: 1.234, currency: 'KWD' })).toMatchObject({ amount: 1.234, amount_minor: 1234 });
    for (const [amount, currency] of [
      [10.5, 'JPY'],
      [1.001, 'USD'],
      [0, 'USD'],
      [-5, 'USD'],
      ['1e3', 'USD'],
    ] as const) {
      const res = await api().post('/payments', newPayment({ amount, currency }), { token: user.token });
      expect(res.status, `${amount} ${currency}`).toBe(400);
      expect(res.body.errors[0].path).toBe('body.amount');
    }
  });

  it('bounds amounts so every stored one is exact: at most 10^15 minor units, in any currency', async () => {
    const user = await registerUser(api());
    expect(await pay(user, { amount: '10000000000000', currency: 'USD' })).toMatchObject({ amount: 1e13, amount_minor: 1e15 });
    expect(await pay(user, { amount: '100000000000.0000', currency: 'CLF' })).toMatchObject({ amount: 1e11, amount_minor: 1e15 });
    expect(await pay(user, { amount: '999999999999.999', currency: 'KWD' })).toMatchObject({ amount: 999999999999.999, amount_minor: 999999999999999 });
    for (const [amount, currency] of [
      ['10000000000000.01', 'USD'],
      ['9999999999999.999', 'KWD'],
      ['1234567890123.4567', 'CLF'],
      [1e12, 'CLF'],
      [5e-324, 'USD'],
      [1e-7, 'USD'],
    ] as const) {
      const res = await api().post('/payments', newPayment({ amount, currency }), { token: user.token });
      expect(res.status, `${amount} ${currency}`).toBe(400);
      expect(res.body.errors[0].path).toBe('body.amount');
    }
    // A pending payment whose amount would not fit in another currency keeps its currency.
    const big = await pay(user, { amount: '9999999999999', currency: 'USD', status: 'pending' });
    const moved = await api().put(`/payments/${big.payment_id}`, { currency: 'CLF' }, { token: user.token });
    expect(moved.status).toBe(400);
    expect((await api().get(`/payments/${big.payment_id}`, { token: user.token })).body).toMatchObject({ currency: 'USD', amount_minor: 999999999999900 });
  });

  it.each([
    ['currency not ISO 4217', { currency: 'ABC' }, 'body.currency'],
    ['currency in lower case', { currency: 'usd' }, 'body.currency'],
    ['currency without minor units', { currency: 'XAU' }, 'body.currency'],
    ['card failing Luhn', { card_no: '4111111111111112' }, 'body.card_no'],
    ['card too short', { card_no: '42424242424' }, 'body.card_no'],
    ['card too long', { card_no: '42424242424242424242' }, 'body.card_no'],
    ['card with letters', { card_no: '4111-1111-1111-111a' }, 'body.card_no'],
    ['all-zero card', { card_no: '0000 0000 0000 0000' }, 'body.card_no'],
    ['card in no network’s range', { card_no: '9999999999999995' }, 'body.card_no'],
    ['expired card', { card_expiry: '01/20' }, 'body.card_expiry'],
    ['expiry in another format', { card_expiry: '2030/12' }, 'body.card_expiry'],
    ['4-digit CVC on a Visa', { card_cvc: '1234' }, 'body.card_cvc'],
    ['3-digit CVC on an Amex', { card_no: '378282246310005', card_cvc: '123' }, 'body.card_cvc'],
    ['missing CVC', { card_cvc: undefined }, 'body.card_cvc'],
    ['unknown payment method', { payment_method: 'Barter' }, 'body.payment_method'],
    ['refunded at creation', { status: 'refunded' }, 'body.status'],
    ['description over 255', { description: 'x'.repeat(256) }, 'body.description'],
    ['unknown field', { card_pin: '0000' }, 'body.card_pin'],
  ])('rejects %s', async (_case, overrides, path) => {
    const user = await registerUser(api());
    const res = await api().post('/payments', newPayment(overrides), { token: user.token });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await api().get('/payments', { token: user.token })).body.items).toEqual([]);
  });

  it('accepts card numbers with spaces or dashes, MM/YY expiries and 4-digit Amex CVCs', async () => {
    const user = await registerUser(api());
    expect(await pay(user, { card_no: '4111 1111 1111 1111' })).toMatchObject({ card_last4: '1111', card_expiry: '2030-12' });
    expect(await pay(user, { card_no: '5555-5555-5555-4444', card_cvc: '555' })).toMatchObject({ card_brand: 'mastercard', card_no: 'XXXX-XXXX-XXXX-4444' });
    expect(await pay(user, { card_no: '378282246310005', card_cvc: '1234', card_expiry: '2031-01-01' })).toMatchObject({
      card_brand: 'amex',
      card_expiry: '2031-01',
    });
  });
});

describe('ownership: user B against user A', () => {
  it('cannot read, list, change or delete A’s payments, and changes nothing', async () => {
    const a = await registerUser(api());
    const b = await registerUser(api());
    const payment = await pay(a);
    const path = `/payments/${payment.payment_id}`;
    expect((await api().get(path, { token: b.token })).status).toBe(404);
    expect((await api().put(path, { status: 'completed' }, { token: b.token })).status).toBe(404);
    expect((await api().delete(path, { token: b.token })).status).toBe(404);
    expect((await api().get('/payments', { token: b.token })).body.items).toEqual([]);
    expect((await api().get(`/payments?user_id=${a.id}`, { token: b.token })).status).toBe(404);
    const unchanged = await api().get(path, { token: a.token });
    expect(unchanged.body).toMatchObject({ status: 'pending', version: 1 });
  });
});

describe('listing', () => {
  it('gives a user their own payments newest first, page by page', async () => {
    const user = await registerUser(api());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await pay(user, { description: `#${i}` })).payment_id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await api().get(`/payments?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        token: user.token,
      });
      seen.push(...res.body.items.map((p: { payment_id: string }) => p.payment_id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('gives an admin every payment across the shards, newest first without gaps or repeats, or one user’s', async () => {
    const users = [await registerUser(api()), await registerUser(api()), await registerUser(api())] as const;
    for (let i = 0; i < 12; i++) await pay(defined(users[i % 3], 'a user'), { description: `all-${i}` });
    const seen: { payment_id: string; created_at: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await api().get(`/payments?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        token: admin.token,
      });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...res.body.items);
      cursor = res.body.next_cursor;
    } while (cursor);
    const ids = seen.map((p) => p.payment_id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = seen.map((p) => p.created_at);
    expect(times).toEqual([...times].sort().reverse());
    const everything = (await scanTable()).filter((i) => i.entity === 'payment').map((i) => i.payment_id);
    expect(ids.sort()).toEqual(everything.sort());

    const one = await api().get(`/payments?user_id=${users[1].id}`, { token: admin.token });
    expect(one.body.items).toHaveLength(4);
    expect(one.body.items.every((p: { user_id: string }) => p.user_id === users[1].id)).toBe(true);
  });

  it('refuses a cursor from another list', async () => {
    const user = await registerUser(api());
    await pay(user);
    await pay(user);
    const mine = await api().get('/payments?limit=1', { token: user.token });
    const res = await api().get(`/payments?cursor=${encodeURIComponent(mine.body.next_cursor)}`, { token: admin.token });
    expect(res.status).toBe(400);
  });
});

describe('status and changes', () => {
  it('moves status only forward: pending → completed → refunded', async () => {
    const user = await registerUser(api());
    const { payment_id } = await pay(user);
    const put = (body: object) => api().put(`/payments/${payment_id}`, body, { token: user.token });
    expect((await put({ status: 'completed' })).body.status).toBe('completed');
    expect((await put({ status: 'pending' })).status).toBe(409);
    expect((await put({ status: 'failed' })).status).toBe(409);
    expect((await put({ status: 'refunded' })).body).toMatchObject({ status: 'refunded', version: 3 });
    for (const status of ['pending', 'completed', 'failed']) expect((await put({ status })).status).toBe(409);
    const refunded = await put({ payment_method: 'Debit Card' }); // a refunded payment is a record: its method stays
    expect(refunded.status).toBe(409);
    expect(refunded.body.detail).toContain('payment_method');
    expect((await api().get(`/payments/${payment_id}`, { token: user.token })).body).toMatchObject({ payment_method: 'Credit Card', version: 3 });
    const failed = await pay(user, { status: 'failed' });
    expect((await api().put(`/payments/${failed.payment_id}`, { status: 'completed' }, { token: user.token })).status).toBe(409);
  });

  it('changes amount, currency, method and card only while pending', async () => {
    const user = await registerUser(api());
    const { payment_id } = await pay(user);
    const put = (body: object) => api().put(`/payments/${payment_id}`, body, { token: user.token });
    expect(await put({ amount: 99.95 }).then((r) => r.body)).toMatchObject({ amount: 99.95, amount_minor: 9995 });
    expect((await put({ currency: 'JPY' })).status).toBe(400); // 99.95 has decimals JPY does not allow
    expect(await put({ currency: 'EUR' }).then((r) => r.body)).toMatchObject({ currency: 'EUR', amount_minor: 9995 });
    expect((await put({ card_no: '5555555555554444' })).status).toBe(400); // a new card needs expiry and CVC
    expect(await put({ card_no: '5555555555554444', card_expiry: '01/31', card_cvc: '111' }).then((r) => r.body)).toMatchObject({
      card_last4: '4444',
      card_brand: 'mastercard',
      card_expiry: '2031-01',
    });
    await put({ status: 'completed' });
    for (const body of [{ amount: 1 }, { currency: 'USD' }, { payment_method: 'Prepaid Card' }, { card_no: VISA, card_expiry: '12/30', card_cvc: '123' }]) {
      expect((await put(body)).status, JSON.stringify(body)).toBe(409);
    }
    expect((await put({ description: 'still editable' })).body.description).toBe('still editable');
  });

  it('honours If-Match', async () => {
    const user = await registerUser(api());
    const { payment_id } = await pay(user);
    const first = await api().put(`/payments/${payment_id}`, { description: 'a' }, { token: user.token, headers: { 'if-match': '"1"' } });
    expect(first.headers.get('etag')).toBe('"2"');
    expect((await api().put(`/payments/${payment_id}`, { description: 'b' }, { token: user.token, headers: { 'if-match': '"1"' } })).status).toBe(412);
  });

  it('deletes only pending payments', async () => {
    const user = await registerUser(api());
    const pending = await pay(user);
    const done = await pay(user, { status: 'completed' });
    expect((await api().delete(`/payments/${done.payment_id}`, { token: user.token })).status).toBe(409);
    expect((await api().delete(`/payments/${pending.payment_id}`, { token: user.token })).status).toBe(204);
    expect((await api().get(`/payments/${pending.payment_id}`, { token: user.token })).status).toBe(404);
    expect((await api().get(`/payments/${done.payment_id}`, { token: user.token })).status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, and creates one payment', async () => {
    const user = await registerUser(api());
    const headers = { 'idempotency-key': 'order-1' };
    const first = await api().post('/payments', newPayment(), { token: user.token, headers });
    const again = await api().post('/payments', newPayment(), { token: user.token, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect((await api().get('/payments', { token: user.token })).body.items).toHaveLength(1);
  });

  it('answers 422 to the same key with a different body', async () => {
    const user = await registerUser(api());
    const headers = { 'idempotency-key': 'order-2' };
    await api().post('/payments', newPayment(), { token: user.token, headers });
    const different = await api().post('/payments', newPayment({ amount: 13 }), { token: user.token, headers });
    expect(different.status).toBe(422);
    expect((await api().get('/payments', { token: user.token })).body.items).toHaveLength(1);
  });

  it('scopes keys per caller', async () => {
    const a = await registerUser(api());
    const b = await registerUser(api());
    const headers = { 'idempotency-key': 'shared-key' };
    const fromA = await api().post('/payments', newPayment(), { token: a.token, headers });
    const fromB = await api().post('/payments', newPayment(), { token: b.token, headers });
    expect(fromB.status).toBe(201);
    expect(fromB.body.payment_id).not.toBe(fromA.body.payment_id);
    expect(fromB.body.user_id).toBe(b.id);
  });

  it('lets 20 concurrent requests with one key create exactly one payment', async () => {
    const user = await registerUser(api());
    const headers = { 'idempotency-key': 'burst' };
    const results = await Promise.all(Array.from({ length: 20 }, () => api().post('/payments', newPayment(), { token: user.token, headers })));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.payment_id)).size).toBe(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.headers.get('retry-after')).toBe('1');
    }
    expect((await api().get('/payments', { token: user.token })).body.items).toHaveLength(1);
    // Once done, a retry is a replay.
    expect((await api().post('/payments', newPayment(), { token: user.token, headers })).body.payment_id).toBe(
      defined(created[0], 'a created payment').body.payment_id,
    );
  });

  it('releases the key when the request fails, so a corrected retry can use it', async () => {
    const headers = { 'idempotency-key': 'retry-after-422' };
    const ghost = await api().post('/payments', newPayment({ user_id: '00000000-0000-4000-8000-000000000000' }), { token: admin.token, headers });
    expect(ghost.status).toBe(422);
    const again = await api().post('/payments', newPayment({ user_id: '00000000-0000-4000-8000-000000000000' }), { token: admin.token, headers });
    expect(again.status).toBe(422);
  });

  it('rejects a malformed key', async () => {
    const user = await registerUser(api());
    const res = await api().post('/payments', newPayment(), { token: user.token, headers: { 'idempotency-key': 'x'.repeat(256) } });
    expect(res.status).toBe(400);
  });
});

describe('card data at rest', () => {
  it('binds each card ciphertext to its payment: copied onto another payment, it does not decrypt', async () => {
    const user = await registerUser(api());
    const a = await pay(user);
    const b = await pay(user, { card_no: '5555555555554444', card_cvc: '555' });
    const stored = async (id: string) => defined(await payments.get(id), `the payment ${id}`);
    expect(await payments.cardNumberOf(await stored(a.payment_id))).toBe(VISA);
    const { card } = await stored(a.payment_id);
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: paymentKeys.item(b.payment_id),
        UpdateExpression: 'SET card_no_sealed = :sealed',
        ExpressionAttributeValues: { ':sealed': 'sealed' in card && card.sealed },
      }),
    );
    await expect(payments.cardNumberOf(await stored(b.payment_id))).rejects.toThrow(/does not decrypt/);
  });

  it('keeps no card number and no CVC anywhere in the table, idempotency records included', async () => {
    const user = await registerUser(api());
    const amex = '371449635398431';
    await api().post('/payments', newPayment({ card_no: '3714 4963 5398 431', card_cvc: '4821' }), {
      token: user.token,
      headers: { 'idempotency-key': 'audit' },
    });
    await pay(user, { card_no: '4012-8888-8888-1881', card_cvc: '739' });
    const items = await scanTable();
    const raw = JSON.stringify(items);
    for (const number of [VISA, amex, '4012888888881881', '3714 4963 5398 431', '4012-8888-8888-1881']) expect(raw).not.toContain(number);
    const values = items.flatMap((item) => Object.entries(item));
    expect(values.filter(([name]) => /cvc|cvv/i.test(name))).toEqual([]);
    expect(values.filter(([, value]) => value === '4821' || value === '739' || value === '987')).toEqual([]);
    expect(raw).not.toMatch(/"(4821|739|987)"/);
    const records = items.filter((i) => i.entity === 'idempotency' && i.state === 'done').map((i) => JSON.stringify(i.result));
    expect(records.some((r) => r.includes('XXXX-XXXX-XXXX-8431'))).toBe(true);
  });
});
