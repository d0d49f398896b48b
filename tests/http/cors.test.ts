/** With CORS_ORIGINS set, a listed origin gets preflight and response headers; any other origin gets none. */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CORS_ORIGINS = 'https://console.example.com'; // before any app module reads its config
});

const { useGateway } = await import('../support/api.ts');
const gateway = useGateway({ corsOrigins: ['https://console.example.com'] });
const { registerUser } = await import('../support/accounts.ts');

describe('CORS for configured origins', () => {
  it('answers the preflight of a listed origin, and nothing to others', async () => {
    const preflight = await gateway.api.call('OPTIONS', '/me', { apiKey: null, headers: { origin: 'https://console.example.com', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const foreign = await gateway.api.call('OPTIONS', '/me', { apiKey: null, headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
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
