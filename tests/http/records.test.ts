import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerUser, signInAdmin, type Account } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;
let admin: Account;
beforeAll(async () => {
  admin = await signInAdmin(api());
});

let counter = 0;
const newPhone = () => `9${String(Date.now() % 1e6).padStart(6, '0')}${String(counter++).padStart(3, '0')}`;
const seedRecord = (phone: string) => ({ name: 'John Doe', phone, dob: '1990-01-01', height: '175', weight: '70' });

describe('POST /records', () => {
  it("accepts seed 000's sample body as it is and never returns the phone", async () => {
    const user = await registerUser(api());
    const phone = newPhone();
    const res = await api().post('/records', seedRecord(phone), { token: user.token });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ record_id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), name: 'John Doe', dob: '1990-01-01', height: 175, weight: 70, created_at: expect.any(String) });
    expect(res.headers.get('location')).toBe(`/records/${res.body.record_id}`);
    expect(res.text).not.toContain(phone);
  });

  it('keys the record with HMAC under the secret pepper, not a plain SHA-256 anyone can recompute', async () => {
    const user = await registerUser(api());
    const phone = newPhone();
    const { record_id } = (await api().post('/records', seedRecord(phone), { token: user.token })).body;
    for (const plain of [phone, `phone:${phone}`]) {
      expect(record_id).not.toBe(createHash('sha256').update(plain).digest('base64url'));
      expect(record_id).not.toBe(createHash('sha256').update(plain).digest('hex'));
    }
  });

  it('refuses a second record for the same phone', async () => {
    const user = await registerUser(api());
    const phone = newPhone();
    expect((await api().post('/records', seedRecord(phone), { token: user.token })).status).toBe(201);
    const again = await api().post('/records', { ...seedRecord(phone), name: 'Someone Else' }, { token: admin.token });
    expect(again.status).toBe(409);
  });

  it.each([
    ['a 9-digit phone', { phone: '987654321' }, 'body.phone'],
    ['an E.164 phone', { phone: '+919876543210' }, 'body.phone'],
    ['a phone with letters', { phone: '98765abcde' }, 'body.phone'],
    ['an impossible date', { dob: '1990-02-30' }, 'body.dob'],
    ['a future birth date', { dob: '2999-01-01' }, 'body.dob'],
    ['a zero height', { height: 0 }, 'body.height'],
    ['a negative weight', { weight: -70 }, 'body.weight'],
    ['a height beyond human bounds', { height: '500' }, 'body.height'],
    ['a weight that is not a number', { weight: 'heavy' }, 'body.weight'],
    ['an unknown field', { blood_type: 'O+' }, 'body.blood_type'],
  ])('rejects %s', async (_case, overrides, path) => {
    const user = await registerUser(api());
    const res = await api().post('/records', { ...seedRecord(newPhone()), ...overrides }, { token: user.token });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('reading records', () => {
  it('lets any signed-in user read a record by id or look it up by phone, without the phone', async () => {
    const owner = await registerUser(api());
    const other = await registerUser(api());
    const phone = newPhone();
    const { record_id } = (await api().post('/records', seedRecord(phone), { token: owner.token })).body;
    const byId = await api().get(`/records/${record_id}`, { token: other.token });
    expect(byId.status).toBe(200);
    expect(byId.body.record_id).toBe(record_id);
    const byPhone = await api().post('/records/lookup', { phone }, { token: other.token });
    expect(byPhone.status).toBe(200);
    expect(byPhone.body).toEqual(byId.body);
    expect(byPhone.text + byId.text).not.toContain(phone);
    expect((await api().post('/records/lookup', { phone: newPhone() }, { token: other.token })).status).toBe(404);
    expect((await api().get(`/records/${'A'.repeat(43)}`, { token: other.token })).status).toBe(404);
    expect((await api().get('/records/not-an-id', { token: other.token })).status).toBe(400);
    expect((await api().get(`/records/${record_id}`)).status).toBe(401);
  });

  it('rate-limits lookups per user: 100 an hour, then 429 with Retry-After', async () => {
    const user = await registerUser(api());
    const other = await registerUser(api());
    const results = await Promise.all(Array.from({ length: 100 }, () => api().post('/records/lookup', { phone: newPhone() }, { token: user.token })));
    expect(results.every((r) => r.status === 404)).toBe(true);
    const limited = await api().post('/records/lookup', { phone: newPhone() }, { token: user.token });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await api().post('/records/lookup', { phone: newPhone() }, { token: other.token })).status).toBe(404);
  });
});

describe('deleting records', () => {
  it('is for admins only, by id or by phone', async () => {
    const user = await registerUser(api());
    const [phoneA, phoneB] = [newPhone(), newPhone()];
    const a = (await api().post('/records', seedRecord(phoneA), { token: user.token })).body;
    await api().post('/records', seedRecord(phoneB), { token: user.token });
    expect((await api().delete(`/records/${a.record_id}`, { token: user.token })).status).toBe(403);
    expect((await api().post('/records/delete', { phone: phoneB }, { token: user.token })).status).toBe(403);
    expect((await api().get(`/records/${a.record_id}`, { token: user.token })).status).toBe(200);

    expect((await api().delete(`/records/${a.record_id}`, { token: admin.token })).status).toBe(204);
    expect((await api().get(`/records/${a.record_id}`, { token: user.token })).status).toBe(404);
    expect((await api().delete(`/records/${a.record_id}`, { token: admin.token })).status).toBe(404);
    expect((await api().post('/records/delete', { phone: phoneB }, { token: admin.token })).status).toBe(204);
    expect((await api().post('/records/lookup', { phone: phoneB }, { token: user.token })).status).toBe(404);
    // The phone is free again.
    expect((await api().post('/records', seedRecord(phoneB), { token: user.token })).status).toBe(201);
  });
});

describe('what is stored', () => {
  it('keeps no phone number anywhere in the table', async () => {
    const user = await registerUser(api());
    const phone = newPhone();
    await api().post('/records', seedRecord(phone), { token: user.token });
    await api().post('/records/lookup', { phone }, { token: user.token });
    const raw = JSON.stringify(await scanTable());
    expect(raw).not.toContain(phone);
    expect(raw).toContain('"key_id":"1"');
  });

  it('keeps the health data encrypted, and reads it back', async () => {
    const user = await registerUser(api());
    const patient = { name: 'Ada Quartermaine', phone: newPhone(), dob: '1961-02-03', height: '163', weight: '58' };
    const { body: created } = await api().post('/records', patient, { token: user.token });
    const stored = (await scanTable()).find((item) => item.record_id === created.record_id)!;
    expect(JSON.stringify(stored)).not.toMatch(/Ada Quartermaine|1961-02-03/);
    for (const field of ['name', 'dob', 'height', 'weight']) expect(stored).not.toHaveProperty(field);
    expect(stored.details_sealed).toMatch(/^1\./);
    const read = await api().get(`/records/${created.record_id}`, { token: user.token });
    expect(read.body).toMatchObject({ name: 'Ada Quartermaine', dob: '1961-02-03', height: 163, weight: 58 });
  });
});
