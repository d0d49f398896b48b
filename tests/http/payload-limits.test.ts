/**
 * Bodies too large for Lambda never reach it: the WAF's body rule refuses a body no route accepts
 * (413) before the proxy event is built, and without the WAF an event over Lambda's 6 MB is refused
 * by the Lambda API, which API Gateway answers with a 500 (the 5xx an attacker could use to page
 * whoever watches the alarms; the rule is what keeps it out of reach).
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { bodyTooLarge, contentLengthRule, gatewayResponses, LAMBDA_MAX_REQUEST_BYTES, LARGEST_ROUTE_BODY_BYTES } from '../../infra/gateway-contract.ts';
import { SECURITY_HEADERS } from '../../shared/http/security-headers.ts';
import { defined } from '../../tools/values.ts';
import { registerUser } from '../support/accounts.ts';
import { clientFor, useGateway } from '../support/api.ts';

const withWaf = useGateway({ config: { waf: true } }); // cdk.json's rates: far above what this file sends
const withoutWaf = useGateway({ config: { waf: false } });
/** Answers the OpenAPI document names only as `default` (the gateway's and the WAF's own) are not checked against it. */
const unchecked = (gateway: typeof withWaf) => clientFor(gateway.api.baseUrl);

/** A PUT /kv body of `bytes` JSON bytes (a string of x's). */
const jsonOf = (bytes: number) => `"${'x'.repeat(bytes - 2)}"`;

describe('the WAF’s body rule', () => {
  it('lets a Content-Length up to its limit reach the function, and refuses one byte more with its 413', async () => {
    const { token } = await registerUser(withWaf.api);
    expect(contentLengthRule.maxBytes).toBeGreaterThanOrEqual(LARGEST_ROUTE_BODY_BYTES);
    withWaf.events.length = 0;
    const atLimit = await unchecked(withWaf).put('/kv/big', undefined, {
      token,
      raw: jsonOf(contentLengthRule.maxBytes),
      headers: { 'content-type': 'application/json' },
    });
    expect(atLimit.status).toBe(413);
    expect(atLimit.headers.get('content-type')).toBe('application/problem+json');
    expect(atLimit.body).toMatchObject({ detail: `The request body exceeds ${LARGEST_ROUTE_BODY_BYTES} bytes.` }); // the function's own answer
    expect(withWaf.events).toHaveLength(1);

    const over = await unchecked(withWaf).put('/kv/big', undefined, {
      token,
      raw: jsonOf(contentLengthRule.maxBytes + 1),
      headers: { 'content-type': 'application/json' },
    });
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toBe(bodyTooLarge.contentType);
    expect(over.body).toEqual(bodyTooLarge.body);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(over.headers.get(name), name).toBe(value);
    expect(withWaf.events).toHaveLength(1); // no event was built for it
  });

  it('refuses a body whose size is not declared (chunked), and answers a body over Lambda’s 6 MB with its 413, not a 5xx', async () => {
    const chunked = await new Promise<{ status?: number; body: string }>((done, fail) => {
      const url = new URL('/kv/big', withWaf.api.baseUrl);
      const req = request(url, { method: 'PUT', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk)).on('end', () => done({ status: res.statusCode, body }));
      });
      req.on('error', fail);
      req.end('"small"');
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toEqual(bodyTooLarge.body);

    const sevenMegabytes = await unchecked(withWaf).put('/kv/big', undefined, {
      raw: jsonOf(7 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(sevenMegabytes.status).toBe(413);
    expect(sevenMegabytes.body).toEqual(bodyTooLarge.body);
  });

  it('lets through nothing that makes an event anywhere near 6 MB: the largest body of control characters, URL and headers at their quotas', async () => {
    const { token } = await registerUser(withWaf.api);
    withWaf.events.length = 0;
    const query = `?q=${'%01'.repeat(3_400)}`; // each decoded character is six bytes of JSON (\u0001), twice (both query maps)
    const res = await unchecked(withWaf).call('PUT', `/kv/big${query}`, {
      token,
      raw: '\u0001'.repeat(contentLengthRule.maxBytes),
      headers: { 'content-type': 'application/json', 'x-padding': '"'.repeat(9_000) },
    });
    expect(res.status).toBe(413); // the function's answer, not the Lambda API's refusal (500)
    const { event } = defined(withWaf.events[0], 'the event of the request');
    const bytes = Buffer.byteLength(JSON.stringify(event));
    expect(bytes).toBeGreaterThan(contentLengthRule.maxBytes * 6);
    expect(bytes).toBeLessThan(LAMBDA_MAX_REQUEST_BYTES * 0.7);
  });
});

describe('without the WAF (-c waf=false)', () => {
  it('answers a body over Lambda’s 6 MB (an event the Lambda API refuses) with API Gateway’s 500, the function never running', async () => {
    const { token } = await registerUser(withoutWaf.api);
    const res = await unchecked(withoutWaf).put('/kv/big', undefined, { token, raw: jsonOf(7 * 1024 * 1024), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toEqual(gatewayResponses.DEFAULT_5XX.body);
    // Just under the limit, the same request reaches the function, which refuses it itself.
    const under = await unchecked(withoutWaf).put('/kv/big', undefined, {
      token,
      raw: jsonOf(6 * 1024 * 1024 - 4096),
      headers: { 'content-type': 'application/json' },
    });
    expect(under.status).toBe(413);
    expect(under.body).toMatchObject({ detail: `The request body exceeds ${LARGEST_ROUTE_BODY_BYTES} bytes.` });
  });
});
