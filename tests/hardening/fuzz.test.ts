/**
 * Fuzzing every route through the local gateway: random bodies, path parameters, query strings and
 * headers, with and without valid credentials. Whatever comes in, the answer is never a 5xx, every
 * error is problem+json, and nothing secret or internal is echoed.
 */
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestQuotas } from '../../infra/gateway-contract.ts';
import { type RouteDef, routes } from '../../shared/routes.ts';
import { type Account, PASSWORD, registerUser, signInAdmin } from '../support/accounts.ts';
import { type ApiResponse, useGateway } from '../support/api.ts';

const gateway = useGateway();
let user: Account;
let admin: Account;
beforeAll(async () => {
  admin = await signInAdmin(gateway.api);
});
// A fresh account per route: fuzzing /auth/logout must not leave later routes with a dead session.
beforeEach(async () => {
  user = await registerUser(gateway.api);
});

const FORBIDDEN_IN_RESPONSES = [
  /password_hash/,
  /_sealed/,
  /\$2[aby]\$\d\d\$/,
  /at .+\.(ts|js|mjs):\d+/,
  /masterKey/,
  /"material"/,
  /Error: /,
  /DynamoDB|AWS SDK|ResourceNotFound|ValidationException/,
];

/** Text for paths, queries and headers: within what a URL or header line may hold. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '../../etc/passwd', '%00', '{}', 'null', '"><script>', 'A'.repeat(300), "' OR 1=1 --", '{{7*7}}', 'é🔑'.repeat(300)),
);
/** Text for body fields: past every field's limit, and past the body limit. */
const longText = fc.oneof(
  text,
  fc.constantFrom(257, 1025, 10_000, 70_000).map((n) => 'x'.repeat(n)),
  fc.constantFrom(100, 20_000).map((n) => 'é🔑'.repeat(n)),
);
/** Numbers at the edges of what JSON, doubles and DynamoDB can hold. */
const edgeNumber = fc.constantFrom(1e308, -1e308, 5e-324, -5e-324, Number.MAX_SAFE_INTEGER + 2, 1e21, 1e-7, -0, 2 ** 53, 1e15, 1e15 + 1);
/** Arrays and objects nested around the 32-level limit and far past it. */
const nested = fc.oneof(
  fc.integer({ min: 28, max: 40 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth))),
  fc.integer({ min: 28, max: 40 }).map((depth) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)),
);
/** Amounts around the largest exact one (10^15 minor units) and the decimals of each kind of currency. */
const currency = fc.constantFrom('JPY', 'USD', 'KWD', 'CLF', 'INR', 'XAU', 'usd');
const amount = fc.oneof(
  fc
    .tuple(fc.integer({ min: 10, max: 16 }), fc.integer({ min: 0, max: 5 }))
    .map(([whole, decimals]) => `${'9'.repeat(whole)}${decimals ? `.${'9'.repeat(decimals)}` : ''}`),
  fc.constantFrom('10000000000000', '10000000000000.01', '100000000000.0000', '999999999999.999', '1234567890123.4567', '0.0001', '0', '-1', '1e3'),
  edgeNumber,
);
const fieldValue = fc.oneof(longText, fc.integer(), fc.double(), edgeNumber, fc.boolean(), fc.constant(null), fc.jsonValue(), nested);

/** Raw bodies JSON.stringify cannot make: numbers past a double, -0, duplicate keys, nesting far past the limit. */
const rawBody = fc.oneof(
  fc.string(),
  fc.constantFrom('{', '{"a":', '\u0000', '[1,2', '123456789012345678901234567890', '1e999', '-0', '{"a":1,"a":2}', '{"__proto__":{"role":"admin"}}'),
  fc.constantFrom(33, 1_000, 5_000, 50_000).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.constantFrom(33, 3_000).map((depth) => `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`),
);

function bodyFor(route: RouteDef) {
  const known = route.body ? Object.keys((route.body() as { _zod?: { def?: { shape?: object } } })._zod?.def?.shape ?? {}) : [];
  const names = fc.oneof(fc.constantFrom(...known, 'role', 'user_id', '__proto__', 'constructor', 'version'), fc.string({ maxLength: 12 }));
  return fc.oneof(fc.dictionary(names, fieldValue, { maxKeys: 8 }), fc.jsonValue(), nested, fc.constant(undefined));
}

/**
 * The edges, always sent by a signed-in caller as JSON: every known field at once, each long, huge,
 * tiny or deep; amounts at each currency's edge; raw texts past a double or far past the nesting limit.
 */
/** The fields of an object schema, or of the object a pipe parses first (a body parsed into domain values). */
type Def = { type?: string; shape?: object; in?: { _zod: { def: Def } } };
const fieldsOf = (schema: { _zod?: { def?: Def } }): string[] => {
  const def = schema._zod?.def;
  return def?.type === 'pipe' && def.in ? fieldsOf(def.in) : Object.keys(def?.shape ?? {});
};

function edgeBodyFor(route: RouteDef) {
  const known = route.body ? fieldsOf(route.body() as { _zod?: { def?: Def } }) : [];
  const everyField = fc.tuple(...known.map(() => fieldValue)).map((values) => JSON.stringify(Object.fromEntries(known.map((name, i) => [name, values[i]]))));
  // On an otherwise valid body (the route's documented example), so the amount is what gets judged.
  const base = route.method === 'POST' ? ((route.requestExample as object | undefined) ?? {}) : {};
  const money = fc.record({ amount, currency }).map((edge) => JSON.stringify({ ...base, ...edge }));
  return fc.oneof(
    rawBody,
    nested.map((value) => JSON.stringify(value)),
    ...(known.length ? [everyField] : []),
    ...(known.includes('amount') ? [money, money, money] : []),
  );
}

const pathOf = (route: RouteDef, param: string) => route.path.replace(/\{\w+\}/, encodeURIComponent(param) || 'x');
const urlOf = (route: RouteDef, param: string, query: Record<string, string>) => {
  const search = new URLSearchParams(query).toString();
  return `${pathOf(route, param)}${search ? `?${search}` : ''}`;
};

const request = (route: RouteDef) =>
  fc
    .record({
      body: bodyFor(route),
      raw: fc.option(rawBody, { nil: undefined }),
      param: fc.oneof(text, fc.uuid(), fc.constant('00000000-0000-4000-8000-000000000000')),
      query: fc.dictionary(fc.oneof(fc.constantFrom('limit', 'cursor', 'email', 'prefix', 'user_id'), fc.string({ maxLength: 8 })), text, { maxKeys: 4 }),
      who: fc.constantFrom('user', 'admin', 'none', 'garbage'),
      contentType: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/problem+json',
        '',
      ),
      extra: fc.dictionary(fc.constantFrom('if-match', 'if-none-match', 'idempotency-key', 'origin', 'x-forwarded-proto'), text, { maxKeys: 3 }),
    })
    // Within API Gateway's URL quota: past it the gateway answers 413 itself (tests/http/request-quotas.test.ts), and no function runs.
    .filter((r) => urlOf(route, r.param, r.query).length <= requestQuotas.urlCharacters);

/** The invariants of every answer, whatever was asked. */
function expectSafe(id: string, res: ApiResponse) {
  expect(res.status, `${id} ${res.text.slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res.status, detail: expect.any(String) });
  }
  for (const pattern of FORBIDDEN_IN_RESPONSES) expect(res.text, `${id}: ${pattern}`).not.toMatch(pattern);
  expect(res.text).not.toContain(PASSWORD);
}

// A failing case is reported short: a counterexample may hold megabytes of text.
const options = <Ts>(numRuns: number): fc.Parameters<Ts> => ({
  numRuns,
  reporter: (run) => {
    if (run.failed) throw new Error(`${String(run.errorInstance).slice(0, 2000)}\n${JSON.stringify(run.counterexample).slice(0, 2000)}`);
  },
});

describe('fuzzing', () => {
  it.each(Object.entries(routes) as [string, RouteDef][])(
    '%s never answers 5xx, always problem+json, never leaks',
    async (id, route) => {
      await fc.assert(
        fc.asyncProperty(request(route), async (r) => {
          const token = r.who === 'user' ? user.token : r.who === 'admin' ? admin.token : r.who === 'garbage' ? 'a.b.c' : undefined;
          const headers: Record<string, string> = { ...r.extra };
          if (r.contentType) headers['content-type'] = r.contentType;
          for (const [k, v] of Object.entries(headers)) if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(v)) delete headers[k]; // not sendable as a header
          const res = await gateway.api.call(route.method, urlOf(route, r.param, r.query), {
            token,
            headers,
            // fetch cannot send a body with GET; API Gateway would pass one on, and the handlers ignore it.
            raw: route.method === 'GET' ? undefined : (r.raw ?? (r.body === undefined ? undefined : JSON.stringify(r.body))),
          });
          expectSafe(id, res);
        }),
        options(20),
      );
    },
    120_000,
  );

  const withBodies = (Object.entries(routes) as [string, RouteDef][]).filter(([, route]) => route.body);
  it.each(withBodies)(
    '%s holds at the edges: deep, huge, tiny and long input from a signed-in caller',
    async (id, route) => {
      await fc.assert(
        fc.asyncProperty(edgeBodyFor(route), fc.constantFrom('user', 'admin'), async (raw, who) => {
          const token = who === 'user' ? user.token : admin.token;
          const res = await gateway.api.call(route.method, pathOf(route, 'edge'), { token, raw, headers: { 'content-type': 'application/json' } });
          expectSafe(id, res);
        }),
        options(25),
      );
    },
    120_000,
  );
});
