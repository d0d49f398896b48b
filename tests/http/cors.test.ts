/** With origins configured (corsOrigins), a listed origin gets preflight and response headers; any other origin gets none. */
import { describe, expect, it } from 'vitest';
import { registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';

// The gateway and the functions get the origins from one place, as the stack gives them.
const gateway = useGateway({ config: { corsOrigins: ['https://console.example.com'] } });

describe('CORS for configured origins', () => {
  it('answers the preflight of a listed origin, and never allows another', async () => {
    const preflight = await gateway.api.call('OPTIONS', '/me', {
      apiKey: null,
      headers: { origin: 'https://console.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    // As API Gateway's mock integration answers: the configured origin, which a browser elsewhere refuses.
    const foreign = await gateway.api.call('OPTIONS', '/me', { apiKey: null, headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
  });

  it('lets a listed origin read what the gateway answers itself: 403, 404 and their Retry-After', async () => {
    const origin = 'https://console.example.com';
    for (const res of [await gateway.api.get('/me', { apiKey: null, headers: { origin } }), await gateway.api.get('/nope', { headers: { origin } })]) {
      expect([403, 404]).toContain(res.status);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-expose-headers')).toContain('retry-after');
      expect(res.headers.get('vary')).toBe('Origin');
    }
  });

  it('lets a listed origin read responses, errors included, and exposes the ETag', async () => {
    const user = await registerUser(gateway.api);
    const ok = await gateway.api.get('/me', { token: user.token, headers: { origin: 'https://console.example.com' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(ok.headers.get('access-control-expose-headers')).toContain('etag');
    const denied = await gateway.api.get('/me', { headers: { origin: 'https://console.example.com' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    const foreign = await gateway.api.get('/me', { token: user.token, headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
