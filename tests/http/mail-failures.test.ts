/**
 * When SES refuses a mail or is busy: the mailing routes' functions talk to a real HTTP server that
 * speaks SES v2's SendEmail (POST /v2/email/outbound-emails) and answers as SES does when it refuses
 * a recipient (400 MessageRejected: the sandbox, an unverified address) or is busy (429
 * TooManyRequestsException), or drops the connection. A refusal answers as a sent mail does and logs
 * one ERROR line without the address; busy or out of reach is a 503 with Retry-After: 5.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, signInAdmin, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';

type Mode = 'send' | 'refuse' | 'busy' | 'drop';
const ses = { mode: 'send' as Mode, received: [] as string[] };

function answer(request: IncomingMessage, response: ServerResponse, body: string) {
  ses.received.push(request.url ?? '');
  const json = (status: number, type: string | undefined, payload: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json', ...(type && { 'x-amzn-errortype': type }) });
    response.end(JSON.stringify(payload));
  };
  if (request.method !== 'POST' || request.url !== '/v2/email/outbound-emails') return json(404, 'NotFoundException', { message: 'Not found' });
  const to = (JSON.parse(body) as { Destination: { ToAddresses: string[] } }).Destination.ToAddresses[0];
  if (ses.mode === 'send') return json(200, undefined, { MessageId: randomUUID() });
  if (ses.mode === 'refuse')
    return json(400, 'MessageRejected', {
      message: `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${to}`,
    });
  if (ses.mode === 'busy') return json(429, 'TooManyRequestsException', { message: 'Maximum sending rate exceeded.' });
  request.socket.destroy();
}

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => answer(request, response, body));
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const lines: string[] = [];
const gateway = useGateway({}, { mailEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, output: (line) => lines.push(line) });
const api = () => gateway.api;

beforeEach(() => {
  ses.mode = 'send';
  ses.received = [];
  lines.length = 0;
});

const register = (email: string) => api().post('/auth/register', { email, password: PASSWORD, name: 'Ada' });
const forgot = (email: string) => api().post('/auth/password/forgot', { email });
const logged = () => lines.flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));

describe('a mail SES refuses for good', () => {
  it.each([
    ['sign-up', register, 'verification_sent'],
    ['forgot-password', forgot, 'reset_sent'],
  ] as const)('%s answers as if it was sent, and logs one ERROR line with the error name, never the address', async (_, call, status) => {
    const sent = uniqueEmail('sent');
    const ok = await call(sent);
    expect(ok.status, ok.text).toBe(202);
    expect(ok.body).toEqual({ status, email: sent });

    ses.mode = 'refuse';
    lines.length = 0;
    const refused = uniqueEmail('refused');
    const res = await call(refused);
    expect(ses.received.length).toBeGreaterThan(1); // it reached SES
    expect(res.status, res.text).toBe(ok.status);
    expect(res.body).toEqual({ status, email: refused });
    expect(res.headers.get('content-type')).toBe(ok.headers.get('content-type'));
    await expect
      .poll(() => logged().filter((l) => l.message === 'mail refused by SES'))
      .toEqual([expect.objectContaining({ level: 'ERROR', error_name: 'MessageRejected' })]);
    expect(lines.join('\n')).not.toContain(refused);
    expect(lines.join('\n')).not.toContain(refused.split('@')[0]);
  });
});

describe('SES busy or out of reach', () => {
  it.each([
    ['busy', 'sign-up', register],
    ['busy', 'forgot-password', forgot],
    ['drop', 'sign-up', register],
  ] as const)('%s: %s answers 503 problem+json with Retry-After: 5, and the same request succeeds once SES is back', async (mode, _, call) => {
    ses.mode = mode;
    const email = uniqueEmail('busy');
    const res = await call(email);
    expect(res.status, res.text).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(res.text).not.toContain(email);
    expect(logged().some((l) => l.level === 'ERROR')).toBe(false);

    ses.mode = 'send';
    const again = await call(email);
    expect(again.status, again.text).toBe(202);
    expect(again.body).toMatchObject({ email });
  });
});

describe('an invitation SES is too busy to send', () => {
  it('answers 503 and leaves no account behind, so the admin sends the same request again', async () => {
    const admin = await signInAdmin(api());
    const email = uniqueEmail('invited');
    ses.mode = 'busy';
    const res = await api().post('/users', { email, name: 'Invited' }, { token: admin.token });
    expect(res.status, res.text).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    ses.mode = 'send';
    const again = await api().post('/users', { email, name: 'Invited' }, { token: admin.token });
    expect(again.status, again.text).toBe(201);
    expect(again.body).toMatchObject({ email, name: 'Invited' });
  });
});

describe('an email change SES is too busy to confirm', () => {
  it('answers 503 with Retry-After, and the same request goes through once SES is back', async () => {
    const account = await signInAdmin(api(), { withFactor: false });
    const email = uniqueEmail('moving');
    const change = () => api().patch(`/users/${account.id}`, { email, current_password: PASSWORD }, { token: account.token });
    ses.mode = 'busy';
    const res = await change();
    expect(res.status, res.text).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.text).not.toContain(email);
    ses.mode = 'send';
    const again = await change();
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ email: account.email, pending_email: email });
  });
});
