/**
 * Strict parsing (issue 23): what an outside client sends is read one way only. A body in another
 * charset is a 415, invalid UTF-8 a 400; integers in decimal digits; each parameter once; every
 * parameter a route does not declare refused, __proto__ included; error lists capped with a count;
 * paths matched as API Gateway matches them.
 */
import { describe, expect, it } from 'vitest';
import { gatewayResponses } from '../../infra/gateway-contract.ts';
import { registerUser } from '../support/accounts.ts';
import { API_KEY, useGateway } from '../support/api.ts';

const gateway = useGateway();
const api = () => gateway.api;

/** Bytes as sent (a PUT), with a content type of the test's choosing. */
async function sendBytes(path: string, body: Buffer, contentType: string, token?: string) {
  const res = await fetch(`${api().base}${path}`, {
    method: 'PUT',
    headers: { 'x-api-key': API_KEY, 'content-type': contentType, ...(token && { authorization: `Bearer ${token}` }) },
    body: new Uint8Array(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

describe('bodies', () => {
  it('refuses a charset other than UTF-8 with 415, and invalid UTF-8 with 400, storing nothing', async () => {
    const user = await registerUser(api());
    const text = JSON.stringify({ value: 'café' });
    for (const charset of ['utf-16', 'iso-8859-1', 'UTF-16LE']) {
      const res = await sendBytes('/kv/k1', Buffer.from(text), `application/json; charset=${charset}`, user.token);
      expect(res.status, charset).toBe(415);
      expect(res.type).toBe('application/problem+json');
    }
    const bad = Buffer.concat([Buffer.from('{"value":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]); // Latin-1 é: not UTF-8
    const res = await sendBytes('/kv/k1', bad, 'application/json', user.token);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body', message: 'Must be valid UTF-8' }]);
    for (const charset of ['utf-8', '"UTF-8"']) {
      expect((await sendBytes('/kv/k1', Buffer.from(text), `application/json; charset=${charset}`, user.token)).status, charset).toBeLessThan(300);
    }
    expect((await api().get('/kv/k1', { token: user.token })).text).toContain('café');
  });

  it('caps the list of errors and counts the rest, so 6,000 unknown fields answer a small body', async () => {
    const body = Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`f${i}`, 1]));
    const res = await api().post('/auth/login', body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(20);
    expect(res.body.errors_truncated).toBeGreaterThan(5900);
    expect(res.text.length).toBeLessThan(4096);
  });
});

describe('query parameters', () => {
  it('takes integers in decimal digits only', async () => {
    const user = await registerUser(api());
    for (const limit of ['0x10', '1e1', '10.0', '+10', ' 10', '']) {
      const res = await api().get(`/payments?limit=${encodeURIComponent(limit)}`, { token: user.token });
      expect(res.status, limit).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'query.limit', message: 'Must be a whole number from 1 to 100' }]);
    }
    expect((await api().get('/payments?limit=10', { token: user.token })).status).toBe(200);
  });

  it('refuses a repeated parameter, and every parameter a route does not declare, __proto__ included', async () => {
    const user = await registerUser(api());
    const repeated = await api().get('/payments?limit=5&limit=50', { token: user.token });
    expect(repeated.status).toBe(400);
    expect(repeated.body.errors).toEqual([{ path: 'query.limit', message: 'Send this parameter once' }]);
    for (const [path, name] of [
      ['/payments?__proto__=x', '__proto__'],
      ['/payments?constructor=x', 'constructor'],
      [`/me/export?user_id=${user.id}`, 'user_id'],
      ['/me?__proto__=x', '__proto__'],
    ]) {
      const res = await api().get(path as string, { token: user.token });
      expect(res.status, path).toBe(400);
      expect(res.body.errors, path).toEqual([{ path: `query.${name}`, message: 'Unknown field' }]);
    }
  });
});

describe('paths', () => {
  it('routes a path exactly: an empty segment matches no route, as API Gateway matches resources', async () => {
    const user = await registerUser(api());
    for (const path of ['//x/me', '//health', '//me', '/me//', '/payments//']) {
      const res = await api().get(path, { token: user.token });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual(gatewayResponses.MISSING_AUTHENTICATION_TOKEN.body);
    }
    expect((await api().get('/me', { token: user.token })).status).toBe(200);
  });
});
