import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
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

let counter = 0;
const newPhone = () => `9${String(Date.now() % 1e6).padStart(6, '0')}${String(counter++).padStart(3, '0')}`;
const seedRecord = (phone: string, name = 'John Doe') => ({ name, phone, dob: '1990-01-01', height: '175', weight: '70' });
const create = async (who: Account, phone: string, name?: string) => {
  const res = await api().post('/records', seedRecord(phone, name), { token: who.token });
  expect(res.status, res.text).toBe(201);
  return res.body as { record_id: string; user_id: string; name: string };
};
const lookup = (who: Account, phone: string, query = '') => api().post(`/records/lookup${query}`, { phone }, { token: who.token });
const idsOf = (res: ApiResponse) => res.body.items.map((r: { record_id: string }) => r.record_id).sort();
/** What a client can tell two answers apart by: status, headers that vary by content, and body (ids, times and request ids aside). */
const observable = (res: ApiResponse) => ({
  status: res.status,
  type: res.headers.get('content-type'),
  length: res.headers.get('content-length'),
  body: JSON.parse(JSON.stringify(res.body ?? null).replace(/"(record_id|created_at)":"[^"]*"/g, '"$1":"…"')),
});

describe('POST /records', () => {
  it("accepts seed 000's sample body as it is and never returns the phone", async () => {
    const user = await registerUser(api());
    const phone = newPhone();
    const res = await api().post('/records', seedRecord(phone), { token: user.token });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      record_id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      user_id: user.id,
      name: 'John Doe',
      dob: '1990-01-01',
      height: 175,
      weight: 70,
      created_at: expect.any(String),
    });
    expect(res.headers.get('location')).toBe(`/records/${res.body.record_id}`);
    expect(res.text).not.toContain(phone);
  });

  it('keys the record with HMAC under the secret pepper, not a plain SHA-256 anyone can recompute', async () => {
    const user = await registerUser(api());
    const phone = newPhone();
    const { record_id } = await create(user, phone);
    for (const plain of [phone, `phone:${phone}`, `${user.id}:${phone}`, `record:${user.id}:${phone}`]) {
      expect(record_id).not.toBe(createHash('sha256').update(plain).digest('base64url'));
      expect(record_id).not.toBe(createHash('sha256').update(plain).digest('hex'));
    }
  });

  it('allows one record per phone per owner: a second one of your own is a 409, even when sent at once', async () => {
    const user = await registerUser(api());
    const phone = newPhone();
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => api().post('/records', seedRecord(phone, `Try ${i}`), { token: user.token })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const conflict = defined(
      results.find((r) => r.status === 409),
      'a 409 answer',
    );
    expect(conflict.body.detail).toBe('You already have a record for this phone.');
    expect((await lookup(user, phone)).body.items).toHaveLength(1);
  });

  it('lets two users keep a record of the same phone: both get 201, and each sees only their own', async () => {
    const [a, b] = [await registerUser(api()), await registerUser(api())];
    const phone = newPhone();
    const recordA = await create(a, phone, 'Seen By A');
    const recordB = await create(b, phone, 'Seen By B');
    expect(recordB.record_id).not.toBe(recordA.record_id);
    expect((await lookup(a, phone)).body).toEqual({
      items: [expect.objectContaining({ record_id: recordA.record_id, user_id: a.id, name: 'Seen By A' })],
      next_cursor: null,
    });
    expect((await lookup(b, phone)).body).toEqual({
      items: [expect.objectContaining({ record_id: recordB.record_id, user_id: b.id, name: 'Seen By B' })],
      next_cursor: null,
    });
    expect((await api().get('/records', { token: a.token })).body.items.map((r: { record_id: string }) => r.record_id)).toEqual([recordA.record_id]);
    expect((await api().get(`/records/${recordB.record_id}`, { token: a.token })).status).toBe(404);
    expect((await api().get(`/records/${recordA.record_id}`, { token: a.token })).body.name).toBe('Seen By A');
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
    ['an owner chosen by the client', { user_id: '00000000-0000-4000-8000-000000000000' }, 'body.user_id'],
  ])('rejects %s', async (_case, overrides, path) => {
    const user = await registerUser(api());
    const res = await api().post('/records', { ...seedRecord(newPhone()), ...overrides }, { token: user.token });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe("another account's record", () => {
  it('is invisible: every route answers alike whether someone else has a record of the phone or nobody has', async () => {
    const victim = await registerUser(api());
    const taken = newPhone();
    const victims = await create(victim, taken, 'Victim Private');
    const prober = await registerUser(api());
    const free = newPhone();
    const both = async (request: (phone: string) => Promise<ApiResponse>) => {
      const [onTaken, onFree] = [await request(taken), await request(free)];
      expect(observable(onTaken)).toEqual(observable(onFree));
      return onTaken;
    };

    expect((await both((phone) => lookup(prober, phone))).body).toEqual({ items: [], next_cursor: null });
    expect((await both((phone) => api().post('/records/delete', { phone }, { token: prober.token }))).status).toBe(404);
    expect((await both((phone) => api().post('/records', seedRecord(phone, 'Prober'), { token: prober.token }))).status).toBe(201);
    expect((await both((phone) => api().post('/records', seedRecord(phone, 'Prober'), { token: prober.token }))).status).toBe(409);
    expect((await both((phone) => lookup(prober, phone))).body.items).toEqual([expect.objectContaining({ user_id: prober.id, name: 'Prober' })]);
    expect((await both((phone) => api().post('/records/delete', { phone }, { token: prober.token }))).status).toBe(204);
    expect((await both((phone) => lookup(prober, phone))).body.items).toEqual([]);

    // By id: the victim's record answers exactly as an id that names nothing.
    const nobody = 'A'.repeat(43);
    for (const method of ['GET', 'DELETE']) {
      const [theirs, none] = [
        await api().call(method, `/records/${victims.record_id}`, { token: prober.token }),
        await api().call(method, `/records/${nobody}`, { token: prober.token }),
      ];
      expect(observable(theirs)).toEqual(observable(none));
      expect(theirs.status).toBe(404);
    }
    expect((await api().get('/records', { token: prober.token })).body.items).toEqual([]);

    // And the victim's record went through all of that untouched.
    expect((await lookup(victim, taken)).body.items).toEqual([expect.objectContaining({ record_id: victims.record_id, name: 'Victim Private' })]);
  });

  it('cannot be read, overwritten or deleted by id, nor reached by phone', async () => {
    const [owner, other] = [await registerUser(api()), await registerUser(api())];
    const phone = newPhone();
    const mine = await create(owner, phone, 'Owner Only');
    expect((await api().get(`/records/${mine.record_id}`, { token: other.token })).status).toBe(404);
    expect((await api().delete(`/records/${mine.record_id}`, { token: other.token })).status).toBe(404);
    expect((await api().put(`/records/${mine.record_id}`, seedRecord(phone, 'Overwritten'), { token: other.token })).status).toBe(404); // no such route
    const theirs = await create(other, phone, 'Overwritten');
    expect(theirs.record_id).not.toBe(mine.record_id);
    expect((await api().post('/records/delete', { phone }, { token: other.token })).status).toBe(204);
    expect((await api().get(`/records/${mine.record_id}`, { token: owner.token })).body).toMatchObject({
      record_id: mine.record_id,
      user_id: owner.id,
      name: 'Owner Only',
    });
    expect((await api().get(`/records/${mine.record_id}`)).status).toBe(401);
    expect((await api().get('/records/not-an-id', { token: other.token })).status).toBe(400);
  });
});

describe('POST /records/lookup', () => {
  it("shows an admin every owner's record of the phone, a page at a time", async () => {
    const owners = [await registerUser(api()), await registerUser(api()), await registerUser(api())];
    const phone = newPhone();
    const made = [];
    for (const [i, owner] of owners.entries()) made.push(await create(owner, phone, `Owner ${i}`));
    const all = await lookup(admin, phone);
    expect(all.status).toBe(200);
    expect(idsOf(all)).toEqual(made.map((r) => r.record_id).sort());
    expect(all.body.items.map((r: { user_id: string }) => r.user_id).sort()).toEqual(owners.map((o) => o.id).sort());
    expect(all.body.next_cursor).toBeNull();
    expect(all.text).not.toContain(phone);

    const first = await lookup(admin, phone, '?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await lookup(admin, phone, `?limit=2&cursor=${first.body.next_cursor}`);
    expect([...idsOf(first), ...idsOf(second)].sort()).toEqual(idsOf(all));
    expect(second.body.next_cursor).toBeNull();
    // A cursor belongs to its phone.
    expect((await lookup(admin, newPhone(), `?cursor=${first.body.next_cursor}`)).status).toBe(400);
    for (const record of made) expect((await api().get(`/records/${record.record_id}`, { token: admin.token })).status).toBe(200);
    expect((await lookup(admin, newPhone())).body).toEqual({ items: [], next_cursor: null });
  });

  it('rate-limits lookups per user: 100 an hour, then 429 with Retry-After', async () => {
    const user = await registerUser(api());
    const other = await registerUser(api());
    const results = await Promise.all(Array.from({ length: 100 }, () => lookup(user, newPhone())));
    expect(results.every((r) => r.status === 200 && r.body.items.length === 0)).toBe(true);
    const limited = await lookup(user, newPhone());
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await lookup(other, newPhone())).status).toBe(200);
  });
});

describe('GET /records', () => {
  it("lists the caller's own records, newest first, with sealed cursors bound to the list", async () => {
    const [user, other] = [await registerUser(api()), await registerUser(api())];
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await create(user, newPhone(), `Mine ${i}`));
    await create(other, newPhone(), 'Not Mine');
    const first = await api().get('/records?limit=2', { token: user.token });
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: { name: string }) => r.name)).toEqual(['Mine 2', 'Mine 1']);
    const second = await api().get(`/records?limit=2&cursor=${first.body.next_cursor}`, { token: user.token });
    expect(second.body.items.map((r: { name: string }) => r.name)).toEqual(['Mine 0']);
    expect(second.body.next_cursor).toBeNull();
    expect((await api().get(`/records?cursor=${first.body.next_cursor}`, { token: other.token })).status).toBe(400);
    expect((await api().get(`/records?user_id=${user.id}`, { token: other.token })).status).toBe(404);
    expect((await api().get(`/records?user_id=${user.id}`, { token: admin.token })).body.items).toHaveLength(3);
    expect((await api().get('/records?limit=101', { token: user.token })).status).toBe(400);
  });
});

describe('deleting records', () => {
  it('is for the owner or an admin, by id or by phone', async () => {
    const [owner, other] = [await registerUser(api()), await registerUser(api())];
    const [phoneA, phoneB, phoneC] = [newPhone(), newPhone(), newPhone()];
    const a = await create(owner, phoneA);
    const b = await create(owner, phoneB);
    expect((await api().delete(`/records/${a.record_id}`, { token: other.token })).status).toBe(404);
    expect((await api().delete(`/records/${a.record_id}`, { token: owner.token })).status).toBe(204);
    expect((await api().get(`/records/${a.record_id}`, { token: owner.token })).status).toBe(404);
    expect((await api().delete(`/records/${a.record_id}`, { token: owner.token })).status).toBe(404);
    expect((await api().delete(`/records/${b.record_id}`, { token: admin.token })).status).toBe(204);
    expect((await api().post('/records/delete', { phone: phoneB }, { token: owner.token })).status).toBe(404);
    // The phone is free again, for its owner.
    expect((await api().post('/records', seedRecord(phoneA), { token: owner.token })).status).toBe(201);
    expect((await api().post('/records/delete', { phone: phoneA }, { token: owner.token })).status).toBe(204);

    // An admin deleting by phone erases every owner's record of it.
    await create(owner, phoneC);
    await create(other, phoneC);
    expect((await api().post('/records/delete', { phone: phoneC }, { token: admin.token })).status).toBe(204);
    expect((await lookup(admin, phoneC)).body.items).toEqual([]);
    expect((await api().post('/records/delete', { phone: phoneC }, { token: admin.token })).status).toBe(404);
  });
});

describe('what is stored', () => {
  it('keeps no phone number anywhere in the table', async () => {
    const user = await registerUser(api());
    const phone = newPhone();
    await api().post('/records', seedRecord(phone), { token: user.token });
    await lookup(user, phone);
    await lookup(admin, phone);
    const raw = JSON.stringify(await scanTable());
    expect(raw).not.toContain(phone);
    expect(raw).toContain('"key_id":"1"');
  });

  it('keeps the health data encrypted, and reads it back', async () => {
    const user = await registerUser(api());
    const patient = { name: 'Ada Quartermaine', phone: newPhone(), dob: '1961-02-03', height: '163', weight: '58' };
    const { body: created } = await api().post('/records', patient, { token: user.token });
    const stored = defined(
      (await scanTable()).find((item) => item.record_id === created.record_id),
      'the stored record',
    );
    expect(JSON.stringify(stored)).not.toMatch(/Ada Quartermaine|1961-02-03/);
    for (const field of ['name', 'dob', 'height', 'weight']) expect(stored).not.toHaveProperty(field);
    expect(stored.details_sealed).toMatch(/^1\./);
    const read = await api().get(`/records/${created.record_id}`, { token: user.token });
    expect(read.body).toMatchObject({ name: 'Ada Quartermaine', dob: '1961-02-03', height: 163, weight: 58 });
  });
});
