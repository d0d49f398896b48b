/**
 * No single client, anonymous or signed in, can exhaust a budget other clients share: every caller is
 * limited per source address (the WAF's rate-based rule), and the key the public console carries has
 * no throttle or quota of its own to spend.
 */
import { describe, expect, it } from 'vitest';
import { gatewayResponses, usagePlanThrottle } from '../../infra/gateway-contract.ts';
import { defined } from '../../tools/values.ts';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { API_KEY, CONSOLE_KEY, useGateway } from '../support/api.ts';

const PER_ADDRESS = 40;
// The stack's limits: the usage plan's real throttle and a per-address rule (smaller than the default, to reach it quickly).
const gateway = useGateway({ throttle: usagePlanThrottle, config: { waf: true, wafRateLimit: PER_ADDRESS } });
const api = () => gateway.api;

describe('one client flooding from one address', () => {
  it('is refused past the per-address limit, while a client elsewhere with the same public key keeps being served', async () => {
    const account = await registerUser(api(), {}); // from 127.0.0.1
    const flood = Promise.all(Array.from({ length: 150 }, () => api().get('/me', { apiKey: CONSOLE_KEY, from: '127.0.0.2' })));
    const signIns: number[] = [];
    for (let i = 0; i < 20; i++) {
      signIns.push((await api().post('/auth/login', { email: account.email, password: PASSWORD }, { apiKey: CONSOLE_KEY, from: '127.0.0.3' })).status);
    }
    const flooded = await flood;

    expect(signIns).toEqual(Array(20).fill(200));
    expect(flooded.filter((r) => r.status === 401)).toHaveLength(PER_ADDRESS); // reached the function: no token
    const refused = flooded.filter((r) => r.status === 429);
    expect(refused).toHaveLength(150 - PER_ADDRESS);
    const firstRefused = defined(refused[0], 'a refused request');
    expect(firstRefused.body).toEqual(gatewayResponses.WAF_FILTERED.body);
    expect(firstRefused.headers.get('retry-after')).toBe('60');
    expect(firstRefused.headers.get('content-type')).toBe('application/problem+json');
    // Still refused while it keeps trying within the window; the other address is unaffected.
    expect((await api().get('/health', { from: '127.0.0.2' })).status).toBe(429);
    expect((await api().get('/health', { from: '127.0.0.3' })).status).toBe(200);
  });
});

describe('the console’s public key', () => {
  it('has no throttle or quota a visitor could spend, where an API client’s key is throttled', async () => {
    // Spread over addresses under the per-address limit: only the keys' own budgets are at work here.
    const burst = (apiKey: string) => Promise.all(Array.from({ length: 120 }, (_, i) => api().get('/me', { apiKey, from: `127.0.1.${1 + (i % 10)}` })));
    const consoleAnswers = await burst(CONSOLE_KEY);
    expect(consoleAnswers.map((r) => r.status)).toEqual(Array(120).fill(401));
    const clientAnswers = await burst(API_KEY);
    expect(clientAnswers.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    const throttled = defined(
      clientAnswers.find((r) => r.status === 429),
      'a throttled answer',
    );
    expect(throttled.body).toEqual(gatewayResponses.THROTTLED.body);
  });
});
