import { APIGatewayProxyEventSchema } from '@aws-lambda-powertools/parser/schemas/api-gateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatewayResponses, MAX_PAYLOAD_BYTES, usagePlanThrottle } from '../../infra/gateway-contract.ts';
import { routes } from '../../shared/routes.ts';
import { defined } from '../../tools/values.ts';
import { registerUser } from '../support/accounts.ts';
import { API_KEY, useGateway } from '../support/api.ts';

const gateway = useGateway();
const api = () => gateway.api;
const realLimits = useGateway({ throttle: usagePlanThrottle });

describe('API key (usage-plan semantics)', () => {
  it('serves /health without a key', async () => {
    const res = await api().get('/health', { apiKey: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers a missing or wrong key with 403 problem+json from the shared gateway responses', async () => {
    for (const apiKey of [null, 'wrong-key']) {
      const res = await api().post('/auth/login', { email: 'a@example.com', password: 'x' }, { apiKey });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toEqual(gatewayResponses.INVALID_API_KEY.body);
    }
  });

  it('answers an unknown route or method with 404 problem+json', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/users'],
      ['GET', '/users/a/b'],
    ] as const) {
      const res = await api().call(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual(gatewayResponses.MISSING_AUTHENTICATION_TOKEN.body);
    }
  });
});

describe('payload limit', () => {
  it('refuses a request over 10 MB at the gateway, as API Gateway does', async () => {
    const res = await api().call('PUT', '/kv/big', { raw: 'x'.repeat(MAX_PAYLOAD_BYTES + 1), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(gatewayResponses.REQUEST_TOO_LARGE.body);
  });
});

describe('usage-plan throttle (30 rps, burst 60)', () => {
  it('lets a burst of 60 through, then answers 429 with Retry-After', async () => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 120 }, () => realLimits.api.get('/me')));
    const seconds = (performance.now() - started) / 1000;
    const throttled = results.filter((r) => r.status === 429);
    const passed = results.filter((r) => r.status === 401); // reached the function: no token
    expect(passed.length + throttled.length).toBe(120);
    expect(passed.length).toBeGreaterThanOrEqual(usagePlanThrottle.burstLimit);
    // Beyond the burst, only what the bucket refilled while the requests arrived.
    expect(passed.length).toBeLessThanOrEqual(usagePlanThrottle.burstLimit + Math.ceil(seconds * usagePlanThrottle.rateLimit));
    const firstThrottled = defined(throttled[0], 'a throttled response');
    expect(firstThrottled.headers.get('retry-after')).toBe('1');
    expect(firstThrottled.body).toEqual(gatewayResponses.THROTTLED.body);
    // The bucket refills at 30 tokens a second.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await realLimits.api.get('/me')).status).toBe(401);
  });
});

describe('REST v1 proxy events', () => {
  // Each function's first start, on a budget of its own: what these tests look at is the event.
  beforeAll(() => gateway.lambda.prewarm(), 10 * 60_000);

  it('match API Gateway’s shape for every kind of request', async () => {
    gateway.events.length = 0;
    const account = await registerUser(api());
    await api().get(`/users/${account.id}?a=1&a=2&b=x%20y`, { token: account.token, headers: { 'X-Custom': 'One' } });
    await api().get('/me', { token: account.token });
    await api().get('/health', { apiKey: null });
    expect(gateway.events.length).toBeGreaterThanOrEqual(5); // sign-up, its verification, and the three reads
    for (const { event } of gateway.events) {
      const parsed = APIGatewayProxyEventSchema.safeParse(event);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.requestContext.stage).toBe('prod'); // cdk.json's stage, as deployed
      expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
    }
    const eventOf = (routeId: string) =>
      defined(
        gateway.events.find((e) => e.routeId === routeId),
        `the proxy event of ${routeId}`,
      ).event;
    const register = eventOf('auth.register');
    const get = eventOf('users.get');
    const me = eventOf('me.get');
    const health = eventOf('health.get');
    expect(register.body).toEqual(expect.any(String));
    expect(register.pathParameters).toBeNull();
    expect(get.pathParameters).toEqual({ id: account.id });
    expect(get.resource).toBe('/users/{id}');
    expect(get.queryStringParameters).toEqual({ a: '2', b: 'x y' });
    expect(get.multiValueQueryStringParameters).toEqual({ a: ['1', '2'], b: ['x y'] });
    expect(get.headers['X-Custom']).toBe('One');
    expect(get.multiValueHeaders['X-Custom']).toEqual(['One']);
    expect(get.requestContext.identity.apiKey).toBe(API_KEY);
    expect(get.body).toBeNull();
    expect(me.queryStringParameters).toBeNull();
    expect(me.multiValueQueryStringParameters).toBeNull();
    expect(health.requestContext.identity.apiKey).toBeNull();
  });

  it('reach the handler of every entry in the route table', async () => {
    for (const [id, route] of Object.entries(routes)) {
      gateway.events.length = 0;
      await api().call(route.method, route.path.replace('{id}', '00000000-0000-4000-8000-000000000000'));
      expect(
        gateway.events.map((e) => e.routeId),
        id,
      ).toEqual([id]);
    }
  });
});

describe('every response', () => {
  it('carries the security headers, the gateway’s own answers included', async () => {
    for (const res of [
      await api().get('/health'),
      await api().get('/me'),
      await api().post('/auth/login', {}),
      await api().get('/nope'),
      await api().get('/me', { apiKey: null }),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });

  it('from a function carries a request id', async () => {
    for (const res of [await api().get('/health'), await api().get('/me'), await api().post('/auth/login', {})]) {
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
