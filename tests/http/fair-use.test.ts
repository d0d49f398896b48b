/**
 * No single caller, anonymous or signed in, can spend a budget other callers share, beyond its key's
 * usage-plan bucket: every caller is limited per source address and every session per token (the
 * WAF's rate-based rules), and the key the public console carries is throttled as an API client's key
 * is, with no monthly quota a visitor could spend for every console user.
 */
import { describe, expect, it } from 'vitest';
import { cdkJsonConfig } from '../../infra/config.ts';
import { gatewayResponses, usagePlanThrottle } from '../../infra/gateway-contract.ts';
import { defined } from '../../tools/values.ts';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { API_KEY, type Api, type ApiResponse, CONSOLE_KEY, useGateway } from '../support/api.ts';

const PER_ADDRESS = 40;
const { wafRateLimit, wafSessionRateLimit } = cdkJsonConfig();
// The stack's limits: the usage plans' real throttle, and WAF rules at cdk.json's rates or a smaller per-address one (to reach it quickly).
const smallPerAddress = useGateway({ throttle: usagePlanThrottle, config: { waf: true, wafRateLimit: PER_ADDRESS } });
const asDeployed = useGateway({ throttle: usagePlanThrottle, config: { waf: true } });
const smallQuota = useGateway({ throttle: usagePlanThrottle, config: { waf: false, monthlyQuota: 5 } });

/** Retries as a client honouring Retry-After does, while the wait asked for is short (a key's bucket, not the WAF's minute). */
async function untilServed(send: () => Promise<ApiResponse>): Promise<{ res: ApiResponse; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    const res = await send();
    const wait = Number(res.headers.get('retry-after'));
    if (res.status !== 429 || !(wait <= 5) || attempts === 5) return { res, attempts };
    await new Promise((done) => setTimeout(done, wait * 1000));
  }
}

const expectAnswer = (res: ApiResponse, type: 'THROTTLED' | 'WAF_FILTERED' | 'QUOTA_EXCEEDED', retryAfter: string) => {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toEqual(gatewayResponses[type].body);
  expect(res.headers.get('retry-after')).toBe(retryAfter);
};

describe('one client flooding from one address', () => {
  it('is refused past the per-address limit, while a client elsewhere with the same public key keeps being served', async () => {
    const api: Api = smallPerAddress.api;
    const account = await registerUser(api, {}); // from 127.0.0.1
    const flood = Promise.all(Array.from({ length: 150 }, () => api.get('/me', { apiKey: CONSOLE_KEY, from: '127.0.0.2' })));
    const signIns: number[] = [];
    for (let i = 0; i < 10; i++) {
      signIns.push((await api.post('/auth/login', { email: account.email, password: PASSWORD }, { apiKey: CONSOLE_KEY, from: '127.0.0.3' })).status);
    }
    const flooded = await flood;

    // The console key's bucket (a burst of 60) holds the flood's 40 and these 10: only the address is refused.
    expect(signIns).toEqual(Array(10).fill(200));
    expect(flooded.filter((r) => r.status === 401)).toHaveLength(PER_ADDRESS); // reached the function: no token
    const refused = flooded.filter((r) => r.status === 429);
    expect(refused).toHaveLength(150 - PER_ADDRESS);
    expectAnswer(defined(refused[0], 'a refused request'), 'WAF_FILTERED', '60');
    // Still refused while it keeps trying within the window; the other address is unaffected.
    expect((await api.get('/health', { from: '127.0.0.2' })).status).toBe(429);
    expect((await api.get('/health', { from: '127.0.0.3' })).status).toBe(200);
  });
});

describe('400 parallel requests with the console key from one address, as deployed (cdk.json’s limits)', () => {
  it('get 429s with Retry-After and block that session for the window; another client is served meanwhile, another session once the key’s bucket refills', async () => {
    const api: Api = asDeployed.api;
    expect(400).toBeLessThan(wafRateLimit); // only the session rule and the key's bucket are at work
    const [flooder, other, client] = [await registerUser(api), await registerUser(api), await registerUser(api)];
    const flood = Promise.all(Array.from({ length: 400 }, () => api.get('/me', { apiKey: CONSOLE_KEY, token: flooder.token, from: '127.0.0.2' })));
    const meanwhile: number[] = [];
    for (let i = 0; i < 10; i++) meanwhile.push((await api.get('/me', { token: client.token, from: '127.0.0.3' })).status); // its own key and address
    const flooded = await flood;

    expect(meanwhile).toEqual(Array(10).fill(200));
    expect(flooded.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    const blocked = flooded.filter((r) => r.headers.get('retry-after') === '60');
    const throttled = flooded.filter((r) => r.headers.get('retry-after') === '1');
    const served = flooded.filter((r) => r.status === 200);
    // The session rule (300 a minute) refuses the last 100; of the 300 it lets by, the console key's bucket (a burst of 60) serves few.
    expect(blocked).toHaveLength(400 - wafSessionRateLimit);
    expect(served.length + throttled.length).toBe(wafSessionRateLimit);
    expect(served.length).toBeGreaterThanOrEqual(usagePlanThrottle.burstLimit);
    expectAnswer(defined(blocked[0], 'a request the session rule refused'), 'WAF_FILTERED', '60');
    expectAnswer(defined(throttled[0], 'a request the key’s bucket refused'), 'THROTTLED', '1');

    // Another session from the very same address, same public key: served once the bucket refills (Retry-After: 1).
    const { res, attempts } = await untilServed(() => api.get('/me', { apiKey: CONSOLE_KEY, token: other.token, from: '127.0.0.2' }));
    expect(res.status).toBe(200);
    expect(attempts).toBeLessThanOrEqual(3);
    // The flooding session stays refused for the rest of its window.
    expectAnswer(await api.get('/me', { apiKey: CONSOLE_KEY, token: flooder.token, from: '127.0.0.2' }), 'WAF_FILTERED', '60');
  });
});

describe('the console’s public key', () => {
  it('is throttled as an API client’s key is, each key with a bucket of its own, and has no monthly quota a visitor could spend', async () => {
    const burst = (apiKey: string) => Promise.all(Array.from({ length: 120 }, () => smallQuota.api.get('/me', { apiKey })));
    const consoleAnswers = await burst(CONSOLE_KEY);
    const consolePassed = consoleAnswers.filter((r) => r.status === 401); // reached the function: no token
    expect(consolePassed.length).toBeGreaterThanOrEqual(usagePlanThrottle.burstLimit); // far past the quota of 5
    expect(consolePassed.length).toBeLessThan(120);
    for (const res of consoleAnswers.filter((r) => r.status !== 401)) expectAnswer(res, 'THROTTLED', '1');

    // The clients' key: its own full bucket, and the quota.
    const clientAnswers = await burst(API_KEY);
    expect(clientAnswers.filter((r) => r.status === 401)).toHaveLength(5);
    expectAnswer(
      defined(
        clientAnswers.find((r) => r.headers.get('retry-after') === '3600'),
        'a request past the quota',
      ),
      'QUOTA_EXCEEDED',
      '3600',
    );
    expect(clientAnswers.filter((r) => r.status === 429 && r.headers.get('retry-after') === '1').length).toBeGreaterThan(0);
  });
});
