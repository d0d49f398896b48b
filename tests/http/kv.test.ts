import { describe, expect, it } from 'vitest';
import { defined } from '../../tools/values.ts';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { type ApiResponse, useGateway } from '../support/api.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;
const path = (key: string) => `/kv/${encodeURIComponent(key)}`;

describe('PUT and GET /kv/{key}', () => {
  it('creates (201), replaces (200) and reads back with version, timestamps and ETag', async () => {
    const user = await registerUser(api());
    const created = await api().put(path('greeting'), 'hello', { token: user.token });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe('/kv/greeting');
    const replaced = await api().put(path('greeting'), { text: 'hi' }, { token: user.token });
    expect(replaced.status).toBe(200);
    const read = await api().get(path('greeting'), { token: user.token });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"2"');
    expect(read.body).toEqual({ key: 'greeting', value: { text: 'hi' }, version: 2, created_at: created.body.created_at, updated_at: expect.any(String) });
    expect(read.body.updated_at > read.body.created_at).toBe(true);
  });

  it('stores any JSON value exactly', async () => {
    const user = await registerUser(api());
    const values = [null, true, 0, -1.5e300, 'текст 🎉', [1, [2, [3]]], { nested: { a: [null, { b: 'c' }] }, n: 12345678901234 }];
    for (const [i, value] of values.entries()) {
      expect((await api().put(path(`v${i}`), value, { token: user.token })).status).toBe(201);
      expect((await api().get(path(`v${i}`), { token: user.token })).body.value).toEqual(value);
    }
  });

  it('answers the JSON text exactly as sent: big integers, -0, __proto__ members, escapes', async () => {
    const user = await registerUser(api());
    const texts = [
      '{"n":12345678901234567890,"z":-0,"__proto__":{"x":1},"e":1E+2,"s":"caf\\u00e9 \\ud83c\\udf89"}',
      '[1.50, 0.1e-7, -0.0, {"a" : [ ]}]',
      '12345678901234567890123',
    ];
    for (const [i, text] of texts.entries()) {
      const put = await api().call('PUT', path(`exact${i}`), { token: user.token, raw: ` ${text}\n`, headers: { 'content-type': 'application/json' } });
      expect(put.status).toBe(201);
      const exactly = (answer: string) => answer.includes(`"value":${text},`) || answer.endsWith(`"value":${text}}`);
      expect(exactly(put.text), put.text).toBe(true);
      const read = await api().get(path(`exact${i}`), { token: user.token });
      expect(exactly(read.text), read.text).toBe(true);
    }
  });

  it('refuses JSON nested deeper than 32 levels with a 400 naming the limit, never a 5xx', async () => {
    const user = await registerUser(api());
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const send = (raw: string) => api().call('PUT', path('deep'), { token: user.token, raw, headers: { 'content-type': 'application/json' } });
    expect((await send(nested(32))).status).toBe(201);
    for (const depth of [33, 3000, 100_000]) {
      const res = await send(nested(depth));
      expect(res.status, String(depth)).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'body', message: 'At most 32 levels of nesting' }]);
    }
    // Brackets inside strings are text, not nesting.
    expect((await send(JSON.stringify({ s: '['.repeat(100) }))).status).toBe(200);
  });

  it('accepts keys with slashes, spaces and any script when URL-encoded, up to 256 characters', async () => {
    const user = await registerUser(api());
    const keys = ['settings/theme', 'with space', 'ключ/日本語', '🔑'.repeat(256), 'a'.repeat(256)];
    for (const key of keys) {
      expect((await api().put(path(key), key.length, { token: user.token })).status, key.slice(0, 20)).toBe(201);
      const read = await api().get(path(key), { token: user.token });
      expect(read.body.key).toBe(key);
    }
    for (const bad of ['a'.repeat(257), 'tab\there', 'nul\u0000', '\u007f']) {
      const res = await api().put(path(bad), 1, { token: user.token });
      expect(res.status, JSON.stringify(bad.slice(0, 10))).toBe(400);
      expect(res.body.errors[0].path).toBe('params.key');
    }
  });

  it('refuses a value over 256 KiB (413) and keeps the old one', async () => {
    const user = await registerUser(api());
    await api().put(path('big'), 'small', { token: user.token });
    const almost = 'x'.repeat(256 * 1024 - 2); // with its quotes: exactly 256 KiB
    expect((await api().put(path('big'), almost, { token: user.token })).status).toBe(200);
    const tooBig = await api().put(path('big'), `${almost}x`, { token: user.token });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get('content-type')).toBe('application/problem+json');
    expect((await api().get(path('big'), { token: user.token })).body.version).toBe(2);
  });

  it('needs a JSON body', async () => {
    const user = await registerUser(api());
    expect((await api().call('PUT', path('k'), { token: user.token })).status).toBe(400);
    expect((await api().call('PUT', path('k'), { token: user.token, raw: 'plain', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
  });
});

describe('conditional writes', () => {
  it('If-None-Match: * creates only', async () => {
    const user = await registerUser(api());
    const headers = { 'if-none-match': '*' };
    expect((await api().put(path('once'), 1, { token: user.token, headers })).status).toBe(201);
    expect((await api().put(path('once'), 2, { token: user.token, headers })).status).toBe(412);
    expect((await api().get(path('once'), { token: user.token })).body.value).toBe(1);
  });

  it('If-Match compares and swaps, and fails on a missing key', async () => {
    const user = await registerUser(api());
    await api().put(path('cas'), 'a', { token: user.token });
    expect((await api().put(path('cas'), 'b', { token: user.token, headers: { 'if-match': '"1"' } })).status).toBe(200);
    expect((await api().put(path('cas'), 'c', { token: user.token, headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await api().put(path('absent'), 'x', { token: user.token, headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await api().get(path('absent'), { token: user.token })).status).toBe(404);
    expect((await api().get(path('cas'), { token: user.token })).body.value).toBe('b');
  });

  it('lets exactly one of 50 concurrent writers with the same If-Match win', async () => {
    const user = await registerUser(api());
    await api().put(path('race'), 'start', { token: user.token });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api().put(path('race'), `writer-${i}`, { token: user.token, headers: { 'if-match': '"1"' } })),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(49);
    const final = await api().get(path('race'), { token: user.token });
    expect(final.body).toMatchObject({ value: defined(winners[0], 'the winning write').body.value, version: 2 });
  });

  it('loses no write when unconditional writers race', async () => {
    const user = await registerUser(api());
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => api().put(path('counter'), i, { token: user.token })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect((await api().get(path('counter'), { token: user.token })).body.version).toBe(10);
  });

  it('DELETE answers 404 for an absent key and honours If-Match', async () => {
    const user = await registerUser(api());
    expect((await api().delete(path('nothing'), { token: user.token })).status).toBe(404);
    await api().put(path('doomed'), 1, { token: user.token });
    expect((await api().delete(path('doomed'), { token: user.token, headers: { 'if-match': '"7"' } })).status).toBe(412);
    expect((await api().delete(path('doomed'), { token: user.token, headers: { 'if-match': '"1"' } })).status).toBe(204);
    expect((await api().get(path('doomed'), { token: user.token })).status).toBe(404);
  });
});

describe('GET /kv', () => {
  it('lists the caller’s keys in key order, by prefix, page by page, without values', async () => {
    const user = await registerUser(api());
    for (const key of ['b/2', 'a/1', 'b/1', 'c', 'b/3']) await api().put(path(key), 'v', { token: user.token });
    const all = await api().get('/kv', { token: user.token });
    expect(all.body.items.map((e: { key: string }) => e.key)).toEqual(['a/1', 'b/1', 'b/2', 'b/3', 'c']);
    expect(all.body.items[0]).toEqual({ key: 'a/1', version: 1, created_at: expect.any(String), updated_at: expect.any(String) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await api().get(`/kv?prefix=b%2F&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: user.token });
      seen.push(...res.body.items.map((e: { key: string }) => e.key));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['b/1', 'b/2', 'b/3']);
  });
});

describe('isolation: user B against user A', () => {
  it('B can neither read nor see the existence of A’s keys, and the same key name is B’s own', async () => {
    const a = await registerUser(api());
    const b = await registerUser(api());
    await api().put(path('secret'), 'A data', { token: a.token });
    const bRead = await api().get(path('secret'), { token: b.token });
    expect(bRead.status).toBe(404);
    expect(bRead.body).toEqual((await api().get(path('never-existed'), { token: b.token })).body);
    expect((await api().get('/kv', { token: b.token })).body.items).toEqual([]);
    expect((await api().delete(path('secret'), { token: b.token })).status).toBe(404);
    expect((await api().put(path('secret'), 'B data', { token: b.token, headers: { 'if-none-match': '*' } })).status).toBe(201);
    expect((await api().get(path('secret'), { token: a.token })).body.value).toBe('A data');
    expect((await api().get(path('secret'), { token: b.token })).body.value).toBe('B data');
    // A's cursor is no use to B.
    await api().put(path('secret2'), 1, { token: a.token });
    const aPage = await api().get('/kv?limit=1', { token: a.token });
    expect((await api().get(`/kv?cursor=${encodeURIComponent(aPage.body.next_cursor)}`, { token: b.token })).status).toBe(400);
  });
});

describe('deleting a user', () => {
  it('deletes all of their keys, however many (300 here)', async () => {
    const user = await registerUser(api());
    for (let i = 0; i < 300; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => api().put(path(`item-${String(i + j).padStart(3, '0')}`), { i: i + j }, { token: user.token })));
    }
    const kvItems = async () => (await scanTable()).filter((item) => item.PK === `KV#${user.id}`);
    expect(await kvItems()).toHaveLength(300);
    expect((await api().delete(`/users/${user.id}`, { token: user.token, body: { current_password: PASSWORD } })).status).toBe(204);
    expect(await kvItems()).toEqual([]);
  });
});
