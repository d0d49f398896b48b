/** Races: no duplicates, no orphans, no lost updates. (Register, CAS and idempotency races: tests/http.) */
import { describe, expect, it } from 'vitest';
import { keyedHash } from '../../shared/crypto/hash.ts';
import { kvKeys } from '../../shared/db/kv.ts';
import { markerKey } from '../../shared/db/markers.ts';
import { userPartition } from '../../shared/db/user-partition.ts';
import { normaliseEmail } from '../../shared/domain/user.ts';
import { defined } from '../../tools/values.ts';
import { PASSWORD, registerUser, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { mailbox } from '../support/mailbox.ts';
import { scanTable } from '../support/table.ts';

const gateway = useGateway();
const api = () => gateway.api;

describe('concurrency', () => {
  it('leaves no key-value orphans when a user is deleted while their keys are being written', async () => {
    const user = await registerUser(api());
    const writes = Array.from({ length: 60 }, (_, i) => api().put(`/kv/racing-${i}`, { i }, { token: user.token }));
    const deletion = new Promise((r) => setTimeout(r, 15)).then(() =>
      api().delete(`/users/${user.id}`, { token: user.token, body: { current_password: PASSWORD } }),
    );
    const results = await Promise.all([...writes, deletion]);
    expect(defined(results.at(-1), 'the deletion’s answer').status).toBe(204);
    // Every write either landed before the deletion swept the store, or was refused.
    for (const r of results.slice(0, -1)) expect([201, 401]).toContain(r.status);
    const left = (await scanTable()).filter((item) => item.PK === kvKeys.partition(user.id) || item.PK === userPartition(user.id));
    expect(left).toEqual([]);
  });

  it('signs in or refuses, never fails, while the account is being deleted, and leaves no session behind', async () => {
    const user = await registerUser(api());
    const logins = Array.from({ length: 20 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 5)).then(() => api().post('/auth/login', { email: user.email, password: PASSWORD })),
    );
    const deletion = new Promise((r) => setTimeout(r, 40)).then(() =>
      api().delete(`/users/${user.id}`, { token: user.token, body: { current_password: PASSWORD } }),
    );
    const results = await Promise.all([...logins, deletion]);
    expect(defined(results.at(-1), 'the deletion’s answer').status).toBe(204);
    // Signed in before the deletion, refused after it (401), or held back by the sign-in limits (429).
    for (const r of results.slice(0, -1)) expect([200, 401, 429]).toContain(r.status);
    const left = (await scanTable()).filter((item) => item.PK === userPartition(user.id));
    expect(left).toEqual([]);
  });

  it('gives an email to exactly one of two users who race to take it', async () => {
    const ownerOf = (token: string | undefined) => String(token).split('.')[0]; // a link token is <user id>.<random>
    const [x, y] = [await registerUser(api()), await registerUser(api())];
    const email = uniqueEmail('contested');
    const [rx, ry] = await Promise.all([
      api().patch(`/users/${x.id}`, { email, current_password: PASSWORD }, { token: x.token }),
      api().patch(`/users/${y.id}`, { email, current_password: PASSWORD }, { token: y.token }),
    ]);
    // Each change waits for its link (the address proves itself); the two links race.
    expect([rx.status, ry.status]).toEqual([200, 200]);
    const tokens = (await mailbox().waitFor(email, 2)).map((mail) => /#confirm-email=([\w.-]+)/.exec(mail.text)?.[1]);
    const confirmed = await Promise.all(tokens.map((token) => api().post('/auth/email/confirm', { token, password: PASSWORD })));
    expect(confirmed.map((r) => r.status).sort()).toEqual([204, 422]);
    const winner = confirmed[0]?.status === 204 ? await ownerOf(tokens[0]) : await ownerOf(tokens[1]);
    const marker = markerKey('email', await keyedHash('email', normaliseEmail(email)));
    const markers = (await scanTable()).filter((item) => item.PK === marker.PK);
    expect(markers).toEqual([expect.objectContaining({ user_id: winner })]);
    expect([x.id, y.id]).toContain(winner);
    expect((await api().post('/auth/login', { email, password: PASSWORD })).body.user.user_id).toBe(winner);
  });

  it('keeps one payment per Idempotency-Key under concurrent retries from two devices of one user', async () => {
    const user = await registerUser(api());
    const body = { amount: 42, currency: 'EUR', payment_method: 'Debit Card', card_no: '5555555555554444', card_expiry: '12/30', card_cvc: '123' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api().post('/payments', body, { token: user.token, headers: { 'idempotency-key': 'checkout-1' } })),
    );
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body.payment_id)).size).toBe(1);
    expect((await api().get('/payments', { token: user.token })).body.items).toHaveLength(1);
  });
});
