import { afterEach, describe, expect, it, vi } from 'vitest';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';

const gateway = useGateway();
const api = () => gateway.api;
// The same API with functions logging at INFO: their request lines reach this process's stdout.
const verbose = useGateway({}, { logLevel: 'INFO' });

describe('structured request logs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('write one JSON line per request with id, route, status, latency and caller, and nothing secret', async () => {
    const account = await registerUser(api(), { phone: '9988776655' });
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    await verbose.api.get(`/users/${account.id}`, { token: account.token });
    const login = await verbose.api.post('/auth/login', { email: account.email, password: PASSWORD });
    await verbose.api.post('/auth/login', { email: account.email, password: 'Wrong-Password-1' });
    await verbose.api.put(`/users/${account.id}`, { phone: '5544332211', password: 'New-Password-42', current_password: PASSWORD }, { token: account.token });
    await verbose.api.post('/auth/token', { refresh_token: login.body.refresh_token });
    vi.restoreAllMocks();

    const records = lines
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.filter((r) => r.message === 'request')).toHaveLength(5);
    expect(records[0]).toMatchObject({
      level: 'INFO',
      route: 'GET /users/{id}',
      status: 200,
      caller_id: account.id,
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      latency_ms: expect.any(Number),
    });
    const all = lines.join('');
    for (const secret of [
      PASSWORD,
      'Wrong-Password-1',
      'New-Password-42',
      '9988776655',
      '5544332211',
      account.token,
      login.body.refresh_token,
      login.body.access_token,
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe('when DynamoDB is unreachable', () => {
  it('answers 503 problem+json with Retry-After, without internals', async () => {
    vi.resetModules();
    const { freePort } = await import('../../tools/local/dynamodb.ts');
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const { handler } = await import('../../functions/auth/login.ts');
    const { buildTestEvent } = await import('../support/events.ts');
    const result = await handler(buildTestEvent('auth.login', { body: { email: 'a@example.com', password: 'Whatever-1' } }), {} as never);
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(result.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(result.body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The service is temporarily unavailable; retry later.',
    });
  });
});

describe('when the application secret cannot be read', () => {
  it('answers 500 problem+json and logs an ERROR line the error alarm counts, never a 401', async () => {
    const { startSecretsExtension } = await import('../../tools/lambda/secrets-extension.ts');
    const { signAccessToken } = await import('../../shared/crypto/tokens.ts');
    const token = await signAccessToken({ sub: '00000000-0000-4000-8000-000000000000', role: 'user', sid: 'x' });
    const deny = await startSecretsExtension({ secrets: {}, access: () => 'deny' });
    const saved = { ...process.env };
    try {
      vi.resetModules();
      delete process.env.APP_SECRET;
      Object.assign(process.env, {
        SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app',
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(deny.port),
        AWS_SESSION_TOKEN: 'me',
      });
      const { handler } = await import('../../functions/me/get.ts');
      const { buildTestEvent } = await import('../support/events.ts');
      const event = buildTestEvent('me.get');
      event.headers = { ...event.headers, Authorization: `Bearer ${token}` };
      const lines: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        lines.push(String(chunk));
        return true;
      });
      const result = await handler(event, {} as never);
      vi.restoreAllMocks();
      expect(result.statusCode).toBe(500);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(result.body).detail).toBe('An unexpected error occurred.');
      const errors = lines.map((line) => JSON.parse(line)).filter((record) => record.level === 'ERROR');
      expect(errors).toHaveLength(1);
      expect(errors[0].error.name).toBe('ConfigurationError');
      expect(deny.reads).toEqual([expect.objectContaining({ sessionToken: 'me', status: 400 })]);
    } finally {
      process.env = saved;
      await deny.close();
    }
  });
});
