/**
 * Every value the OpenAPI document allows in a URL or a header fits inside API Gateway's quotas on a
 * request's head (infra/gateway-contract.ts requestQuotas), in the worst case: each parameter at its
 * documented longest, each character percent-encoded from four bytes of UTF-8 (12 characters) unless
 * the parameter's pattern admits ASCII only (3), under the stage's prefix, all of an operation's
 * query parameters at once. Otherwise a request the document allows would be refused by the gateway.
 */
import { describe, expect, it } from 'vitest';
import { cdkJsonConfig } from '../../infra/config.ts';
import { requestQuotas } from '../../infra/gateway-contract.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import type { Json } from '../../tools/values.ts';

const document: Json = openApiDocument('https://api.example.com');

/** A pattern that admits ASCII only: no negated class, no bare dot, no escape naming a code point or class of them. */
const asciiOnly = (pattern: string) => !/\[\^|\\u|\\x|\\p|\\P|\\S|\\W|\\D/.test(pattern) && !/(^|[^\\])\./.test(pattern.replace(/\[[^\]]*\]/g, ''));

/** The longest a parameter's value can be once percent-encoded, in characters (or bytes, for a header: no encoding there). */
function longest(schema: Json, encoded: boolean): number {
  if (schema.enum) return Math.max(...schema.enum.map((v: unknown) => (encoded ? encodeURIComponent(String(v)) : String(v)).length));
  if (schema.type === 'integer') return Math.max(String(schema.minimum).length, String(schema.maximum).length);
  if (schema.format === 'uuid') return 36;
  const fixed = /^\^\[[^\]]+\]\{(\d+)\}\$$/.exec(schema.pattern ?? '')?.[1];
  const characters = schema.maxLength ?? (fixed === undefined ? Number.POSITIVE_INFINITY : Number(fixed));
  const ascii = schema.pattern !== undefined && asciiOnly(schema.pattern);
  return characters * (encoded ? (ascii ? 3 : 12) : ascii ? 1 : 4);
}

const operations = Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, path, parameters: (op.parameters ?? []) as Json[] })),
);

describe('the OpenAPI document’s parameters, at their longest', () => {
  it('fit in the URL quota, every query parameter of an operation at once', () => {
    const overQuota: string[] = [];
    for (const { where, path, parameters } of operations) {
      const inPath = path.replace(/\{(\w+)\}/g, (_, name) => 'x'.repeat(longest(parameters.find((p) => p.name === name).schema, true)));
      const query = parameters.filter((p) => p.in === 'query').map((p) => `${p.name}=${'x'.repeat(longest(p.schema, true))}`);
      const length = `/${cdkJsonConfig().stage}${inPath}${query.length ? `?${query.join('&')}` : ''}`.length;
      if (length > requestQuotas.urlCharacters) overQuota.push(`${where}: ${length} characters`);
    }
    expect(overQuota).toEqual([]);
  });

  it('fit in the header quota beside the headers every request carries', () => {
    // Host, x-api-key, a bearer token, content type and length, accept, user agent: generously 2 KB.
    const ordinary = 2048;
    const overQuota: string[] = [];
    for (const { where, parameters } of operations) {
      // Any If-Match is accepted (a tag naming no version is a 412), so the document gives it no length; the quota bounds it.
      const headers = parameters.filter((p) => p.in === 'header' && p.name !== 'If-Match');
      const bytes = ordinary + headers.reduce((sum, p) => sum + `${p.name}: \r\n`.length + longest(p.schema, false), 0);
      if (bytes > requestQuotas.headerBytes) overQuota.push(`${where}: ${bytes} bytes`);
    }
    expect(overQuota).toEqual([]);
  });

  it('are measured as the document states them (a check of this test’s own arithmetic)', () => {
    expect(longest({ type: 'string', maxLength: 2048 }, true)).toBe(24_576); // what `cursor` allowed: 2,048 characters of four bytes
    expect(longest({ type: 'string', maxLength: 2048, pattern: '^[A-Za-z0-9_-]*$' }, true)).toBe(6_144);
    expect(longest({ type: 'string', maxLength: 256, pattern: '^(?:[^\\u0000-\\u001f])*$' }, true)).toBe(3_072); // a key-value key
    expect(longest({ type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' }, true)).toBe(129);
    expect(longest({ type: 'string', maxLength: 255, pattern: '^[!-~]+$' }, false)).toBe(255);
  });
});
