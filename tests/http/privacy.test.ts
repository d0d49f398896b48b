/** The account holder's rights: deleting the account leaves nothing naming them but payments; the export holds everything else. */
import { describe, expect, it } from 'vitest';
import { type Account, PASSWORD, registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;
const card = { payment_method: 'Credit Card', card_no: '4111 1111 1111 1111', card_expiry: '12/30', card_cvc: '123' };

/** A user with something of every kind the API keeps: sessions, spent refresh tokens, entries, payments, an idempotency record, a record, counters. */
async function busyUser(phone: string): Promise<Account & { paymentIds: string[] }> {
  const user = await registerUser(api(), { username: `busy_${Math.random().toString(36).slice(2, 8)}`, phone: '5551234567' });
  const second = await api().post('/auth/login', { email: user.email, password: PASSWORD });
  expect((await api().post('/auth/token', { refresh_token: second.body.refresh_token })).status).toBe(200);
  const third = await api().post('/auth/login', { email: user.email, password: PASSWORD });
  expect((await api().post('/auth/logout', undefined, { token: third.body.access_token })).status).toBe(204);
  expect((await api().post('/auth/login', { email: user.email, password: 'Wrong-Password-1' })).status).toBe(401);
  for (const [key, value] of [
    ['settings/theme', { mode: 'dark' }],
    ['notes', 'a note'],
    ['n', 12345678901234567890n],
  ] as const) {
    const raw = typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
    expect(
      (await api().call('PUT', `/kv/${encodeURIComponent(key)}`, { token: user.token, raw, headers: { 'content-type': 'application/json' } })).status,
    ).toBe(201);
  }
  const pending = await api().post('/payments', { amount: 10, currency: 'EUR', ...card }, { token: user.token, headers: { 'idempotency-key': 'order-1' } });
  const completed = await api().post('/payments', { amount: '2.50', currency: 'USD', status: 'completed', ...card }, { token: user.token });
  expect([pending.status, completed.status]).toEqual([201, 201]);
  const record = await api().post('/records', { name: 'Busy Patient', phone, dob: '1980-02-03', height: 170, weight: 70 }, { token: user.token });
  expect(record.status).toBe(201);
  expect((await api().post('/records/lookup', { phone }, { token: user.token })).status).toBe(200);
  return { ...user, paymentIds: [pending.body.payment_id, completed.body.payment_id] };
}

describe('deleting an account', () => {
  it('leaves no item that names the user but their payments, and leaves other users alone', async () => {
    const phone = '4445556667';
    const user = await busyUser(phone);
    const other = await busyUser(phone);
    const named = async (id: string) => (await scanTable()).filter((item) => JSON.stringify(item).includes(id));
    expect((await named(user.id)).length).toBeGreaterThan(10);

    const deleted = await api().delete(`/users/${user.id}`, { token: user.token, body: { current_password: PASSWORD } });
    expect(deleted.status).toBe(204);

    const left = await named(user.id);
    expect(left.map((item) => item.entity)).toEqual(['payment', 'payment']);
    expect(left.map((item) => item.payment_id).sort()).toEqual([...user.paymentIds].sort());
    // The other user, who has a record of the same phone, keeps everything.
    expect((await api().get('/me/export', { token: other.token })).body).toMatchObject({
      key_value: { length: 3 },
      payments: { length: 2 },
      records: { length: 1 },
    });
  });
});

describe('GET /me/export', () => {
  it('answers everything the API holds about the caller, values exactly, cards masked, nobody else’s', async () => {
    const phone = '4445556668';
    const user = await busyUser(phone);
    const other = await busyUser(phone);
    const res = await api().get('/me/export', { token: user.token });
    expect(res.status).toBe(200);
    const me = await api().get('/me', { token: user.token });
    expect(res.body.profile).toEqual(me.body);
    expect(res.body.key_value.map((e: { key: string }) => e.key)).toEqual(['n', 'notes', 'settings/theme']);
    expect(res.text).toContain('"value":12345678901234567890,');
    expect(res.body.payments.map((p: { payment_id: string }) => p.payment_id).sort()).toEqual([...user.paymentIds].sort());
    for (const payment of res.body.payments) expect(payment.card_no).toBe('XXXX-XXXX-XXXX-1111');
    expect(res.body.records).toEqual([expect.objectContaining({ user_id: user.id, name: 'Busy Patient' })]);
    // Two sessions are open (one was logged out), and the caller's is marked.
    expect(res.body.sessions).toHaveLength(2);
    expect(res.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(Date.parse(res.body.exported_at)).toBeGreaterThan(Date.now() - 60_000);
    for (const secret of ['4111111111111111', '"123"', phone, PASSWORD, '_sealed', 'password_hash', other.id]) expect(res.text).not.toContain(secret);
  });

  it('needs a signed-in caller', async () => {
    expect((await api().get('/me/export')).status).toBe(401);
  });
});
