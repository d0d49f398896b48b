import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { gatewayResponseHeaders, gatewayResponses } from '../../infra/gateway-contract.ts';
import { ConfigurationError } from '../../shared/config/index.ts';
import { isTransientDbError } from '../../shared/db/errors.ts';
import { ClaimInFlight } from '../../shared/db/idempotency.ts';
import { QuotaExceeded } from '../../shared/db/kv.ts';
import { UniquenessConflict } from '../../shared/db/markers.ts';
import { OwnerGone } from '../../shared/db/user-partition.ts';
import { StaleVersion } from '../../shared/db/writes.ts';
import { sourceNetwork } from '../../shared/domain/sign-in.ts';
import { assertVersion } from '../../shared/domain/versions.ts';
import { InvalidInput, PreconditionFailed } from '../../shared/errors.ts';
import { conditionOf } from '../../shared/http/etag.ts';
import { pathParametersOf } from '../../shared/http/path-parameters.ts';
import { problemOf } from '../../shared/http/problem.ts';
import { TokenBucket } from '../../tools/local/gateway/index.ts';

describe('token bucket', () => {
  it('allows the burst, then refills at the rate', () => {
    const bucket = new TokenBucket({ rateLimit: 30, burstLimit: 60 });
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(bucket.take('k', t0)).toBe(true);
    expect(bucket.take('k', t0)).toBe(false);
    expect(bucket.take('other', t0)).toBe(true);
    for (let i = 0; i < 3; i++) expect(bucket.take('k', t0 + 100)).toBe(true);
    expect(bucket.take('k', t0 + 100)).toBe(false);
  });
});

describe('DynamoDB error classification', () => {
  const meta = { $metadata: {}, message: 'x' };
  it('treats throttling and network failures as retryable (503), conditions as not', () => {
    expect(isTransientDbError(new ProvisionedThroughputExceededException(meta))).toBe(true);
    expect(isTransientDbError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientDbError(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isTransientDbError(new ConditionalCheckFailedException(meta))).toBe(false);
    expect(isTransientDbError(new TypeError('bug'))).toBe(false);
  });
});

describe('the one error exit (problem.ts)', () => {
  const meta = { $metadata: {}, message: 'Rate of requests exceeds the allowed throughput at table arn:aws:dynamodb:…' };
  it('answers each storage error as the domain error it is, without a mapping of its own', () => {
    expect(problemOf(new StaleVersion())).toMatchObject({ status: 412, headers: {} });
    expect(problemOf(new OwnerGone())).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
    expect(problemOf(new QuotaExceeded({ maxKeys: 2, maxBytes: 10 })).body).toMatchObject({ status: 409, detail: expect.stringContaining('at most 2 keys') });
    expect(problemOf(new ClaimInFlight())).toMatchObject({ status: 409, headers: { 'retry-after': '1' } });
    expect(problemOf(new UniquenessConflict('email')).body).toMatchObject({ status: 409, errors: [{ path: 'body.email', message: 'email is taken' }] });
  });

  it('answers a busy or unreachable DynamoDB 503 with Retry-After, and anything else 500 without its words', () => {
    expect(problemOf(new ProvisionedThroughputExceededException(meta))).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect(JSON.stringify(problemOf(new ProvisionedThroughputExceededException(meta)))).not.toContain('arn:aws');
    const unreachableSecret = new ConfigurationError('The extension is unreachable', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
    expect(problemOf(unreachableSecret)).toMatchObject({ status: 500, body: { detail: 'An unexpected error occurred.' } });
    expect(problemOf(new TypeError('secret internals')).body.detail).toBe('An unexpected error occurred.');
  });
});

describe('source networks of password attempts', () => {
  it('count an IPv4 address by itself and an IPv6 address by its /64, which one subscriber holds', () => {
    expect(sourceNetwork('203.0.113.10')).toBe('203.0.113.10');
    expect(sourceNetwork('::ffff:203.0.113.10')).toBe('203.0.113.10');
    expect(sourceNetwork('2001:db8:0a:1::1')).toBe('2001:db8:a:1::/64');
    expect(sourceNetwork('2001:DB8:a:1:ffff:1:2:3')).toBe('2001:db8:a:1::/64');
    expect(sourceNetwork('2001:db8::7')).toBe('2001:db8:0:0::/64');
    expect(sourceNetwork('::1')).toBe('0:0:0:0::/64');
  });
});

describe('If-Match and If-None-Match', () => {
  const check = (ifMatch: string | undefined, ifNoneMatch: string | undefined, version: number | undefined) => () =>
    assertVersion(conditionOf(ifMatch, ifNoneMatch), version);
  it('pass when absent, * or matching (strong or weak), and fail otherwise', () => {
    expect(check(undefined, undefined, 3)).not.toThrow();
    expect(check('*', undefined, 3)).not.toThrow();
    expect(check('"3"', undefined, 3)).not.toThrow();
    expect(check('W/"3"', undefined, 3)).not.toThrow();
    expect(check('"1", "3"', undefined, 3)).not.toThrow();
    expect(check('"2"', undefined, 3)).toThrow(PreconditionFailed);
    expect(check('"x"', undefined, 3)).toThrow(PreconditionFailed);
    expect(check('*', undefined, undefined)).toThrow(PreconditionFailed);
  });
  it('If-None-Match: * passes only when nothing is there, and nothing else is accepted', () => {
    expect(check(undefined, '*', undefined)).not.toThrow();
    expect(check(undefined, '*', 1)).toThrow(PreconditionFailed);
    expect(() => conditionOf(undefined, '"1"')).toThrow(InvalidInput);
  });
});

describe('gateway responses', () => {
  it('are all RFC 9457 problem documents with their own status; the fallbacks override none', () => {
    for (const [type, response] of Object.entries(gatewayResponses)) {
      if (type.startsWith('DEFAULT_')) {
        expect(response.status, type).toBeUndefined();
        expect(response.body, type).toEqual({ type: 'about:blank', title: expect.any(String), detail: expect.any(String) });
      } else {
        expect(response.body, type).toEqual({ type: 'about:blank', title: expect.any(String), status: response.status, detail: expect.any(String) });
      }
    }
    expect(gatewayResponses.WAF_FILTERED.status).toBe(429); // the web ACL's only rule is the per-address limit
    // A function's failure falls back to DEFAULT_5XX, which keeps the cause's status and asks for a retry.
    expect(Object.keys(gatewayResponses)).not.toContain('INTEGRATION_FAILURE');
    expect(Object.keys(gatewayResponses)).not.toContain('INTEGRATION_TIMEOUT');
    expect(gatewayResponseHeaders('DEFAULT_5XX', [])['retry-after']).toEqual({ value: '1' });
    expect(gatewayResponseHeaders('THROTTLED', [])['retry-after']).toEqual({ value: '1' });
    expect(gatewayResponseHeaders('INVALID_API_KEY', [])['x-content-type-options']).toEqual({ value: 'nosniff' });
  });
});

describe('path parameters, whichever way API Gateway hands them over', () => {
  const kvEvent = (path: string, key: string) => ({ resource: '/kv/{key}', path, pathParameters: { key } });
  const keys = ['settings/theme', 'with space', '100% sure', 'literal %41 and %2F', 'a+b=c&d?e#f', 'ключ/日本語 🔑', '%'];

  it('decodes a parameter still percent-encoded as in the path, exactly once', () => {
    for (const key of keys) {
      const raw = encodeURIComponent(key);
      expect(pathParametersOf(kvEvent(`/kv/${raw}`, raw)).key, key).toBe(key);
    }
  });

  it('leaves an already decoded parameter alone, even one that looks encoded', () => {
    for (const key of keys) expect(pathParametersOf(kvEvent(`/kv/${encodeURIComponent(key)}`, key)).key, key).toBe(key);
  });

  it('finds the segment behind a custom domain base path, and keeps plain ids and invalid escapes as they are', () => {
    expect(pathParametersOf(kvEvent('/v1/kv/100%25%2041', '100%25%2041')).key).toBe('100% 41');
    expect(pathParametersOf({ resource: '/users/{id}', path: '/users/0b9e', pathParameters: { id: '0b9e' } }).id).toBe('0b9e');
    expect(pathParametersOf(kvEvent('/kv/100%', '100%')).key).toBe('100%');
    expect(pathParametersOf({ resource: '/kv', path: '/kv', pathParameters: null })).toEqual({});
  });
});
