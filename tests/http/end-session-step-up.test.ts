/**
 * Ending another session of one's account needs step-up (a stolen token must not sign its owner out
 * everywhere else); ending the session making the request stays free.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { enrolTotp, nextCode } from '../support/totp.ts';

const gateway = useGateway();
const api = () => gateway.api;

async function sessions(token: string) {
  const res = await api().get('/me/sessions', { token });
  return res.body.items as { session_id: string; current: boolean }[];
}

describe('DELETE /me/sessions/{id}', () => {
  it('ends another session only with step-up, answering a missing proof 400 and a wrong one 403 as the other step-up routes do', async () => {
    const account = await registerUser(api());
    const other = await api().post('/auth/login', { email: account.email, password: PASSWORD });
    const otherId = (await sessions(account.token)).find((s) => !s.current)?.session_id;

    const missing = await api().delete(`/me/sessions/${otherId}`, { token: account.token });
    expect(missing.status, missing.text).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.body.errors).toEqual([{ path: 'body.current_password', message: expect.any(String) }]);
    const wrong = await api().delete(`/me/sessions/${otherId}`, { body: { current_password: 'Wrong-Password-1' }, token: account.token });
    expect(wrong.status, wrong.text).toBe(403);
    expect(wrong.body.errors).toEqual([{ path: 'body.current_password', message: 'Incorrect password' }]);
    // Nothing changed: the other session still works.
    expect((await api().get('/me', { token: other.body.access_token })).status).toBe(200);
    // The same answers as removing an authenticator's.
    const { secret } = await enrolTotp(api(), account.token);
    const totpMissing = await api().delete('/me/totp', { body: {}, token: account.token });
    expect({ status: missing.status, errors: missing.body.errors }).toEqual({ status: totpMissing.status, errors: totpMissing.body.errors });

    const ended = await api().delete(`/me/sessions/${otherId}`, { body: { totp_code: await nextCode(secret) }, token: account.token });
    expect(ended.status, ended.text).toBe(204);
    expect((await api().get('/me', { token: other.body.access_token })).status).toBe(401);
  });

  it('ends the session making the request without any proof', async () => {
    const account = await registerUser(api());
    const own = (await sessions(account.token)).find((s) => s.current)?.session_id;
    const res = await api().delete(`/me/sessions/${own}`, { token: account.token });
    expect(res.status, res.text).toBe(204);
    expect((await api().get('/me', { token: account.token })).status).toBe(401);
  });
});
