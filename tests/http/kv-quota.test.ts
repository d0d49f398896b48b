/** Each user's key-value store has a quota (keys, and bytes of keys and values), counted exactly under concurrent writes. */
import { describe, expect, it } from 'vitest';
import { LIMIT_DEFAULTS } from '../../shared/config/limits.ts';
import { kv } from '../../shared/db/kv.ts';
import { defined } from '../../tools/values.ts';
import { registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';

// A small quota to reach, given to the functions as the stack would (kvMaxKeys, kvMaxBytes in the context).
const gateway = useGateway({}, { limits: { ...LIMIT_DEFAULTS, kvMaxKeys: 10, kvMaxBytes: 2000 } });
const api = () => gateway.api;
const path = (key: string) => `/kv/${encodeURIComponent(key)}`;

describe('key-value quota', () => {
  it('lets exactly the quota’s number of keys in when 25 are written at once, and a deletion frees room', async () => {
    const user = await registerUser(api());
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => api().put(path(`k${i}`), i, { token: user.token })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(15);
    const firstRefused = defined(refused[0], 'a refused write');
    expect(firstRefused.headers.get('content-type')).toBe('application/problem+json');
    expect(firstRefused.body.detail).toMatch(/at most 10 keys and 2000 bytes/);
    const listed = await api().get('/kv?limit=100', { token: user.token });
    expect(listed.body.items).toHaveLength(10);
    expect(await kv.usage(user.id)).toEqual({
      keys: 10,
      bytes: listed.body.items.reduce((sum: number, e: { key: string }) => sum + e.key.length + String(e.key.slice(1)).length, 0),
    });

    const kept = listed.body.items[0].key as string;
    expect((await api().delete(path(kept), { token: user.token })).status).toBe(204);
    expect((await api().put(path('k-new'), 1, { token: user.token })).status).toBe(201);
    expect((await api().put(path('k-one-more'), 1, { token: user.token })).status).toBe(409);
  });

  it('counts bytes of keys and values: growing past the quota is refused, shrinking always passes', async () => {
    const user = await registerUser(api());
    const big = 'x'.repeat(1500);
    expect((await api().put(path('big'), big, { token: user.token })).status).toBe(201); // 3 + 1502 bytes
    expect((await api().put(path('more'), 'y'.repeat(600), { token: user.token })).status).toBe(409);
    expect((await api().put(path('big'), 'small', { token: user.token })).status).toBe(200);
    expect(await kv.usage(user.id)).toEqual({ keys: 1, bytes: 3 + 7 });
    expect((await api().put(path('more'), 'y'.repeat(600), { token: user.token })).status).toBe(201);
  });
});
