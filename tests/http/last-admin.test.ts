/** In a table of its own (as every test file), so that these two are the only admins. */
import { expect, it } from 'vitest';
import { PASSWORD, signInAdmin } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';

const gateway = useGateway();
const api = () => gateway.api;

it('keeps the last admin: of two concurrent demotions one succeeds, and the last can be neither demoted nor deleted', async () => {
  const [a, b] = [await signInAdmin(api()), await signInAdmin(api())];
  const demote = (admin: typeof a) => api().patch(`/users/${admin.id}`, { role: 'user', current_password: PASSWORD }, { token: admin.token });
  const results = await Promise.all([a, b].map(demote));
  expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  const last = results[0]?.status === 409 ? a : b;
  expect(results.find((r) => r.status === 409)?.body.detail).toContain('last admin');

  expect((await demote(last)).status).toBe(409);
  expect((await api().delete(`/users/${last.id}`, { token: last.token, body: { current_password: PASSWORD } })).status).toBe(409);
  const me = await api().get('/me', { token: last.token });
  expect(me.body.role).toBe('admin');
});
