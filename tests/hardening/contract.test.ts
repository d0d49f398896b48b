/**
 * The contract, property-based (issue 23): requests generated from the OpenAPI document the API
 * serves (GET /openapi.json through the local gateway), as a user and as an admin.
 *
 * - Valid per the document (generated path and query parameters with the documented example body, or
 *   the example with one field changed to another value the document accepts): never a 400 or a 5xx;
 *   any other answer must be one the document lists for the operation (404 for an unknown id, 409,
 *   412 … are its documented rules).
 * - Invalid per the document (one body field, query or path parameter the document's schema refuses,
 *   or a field or query parameter it does not list): a 400, whoever asks.
 * - "Per the document" includes its own keywords for what JSON Schema cannot say (x-max-bytes,
 *   x-minimum, x-maximum, x-exclusive-maximum, x-card-networks, x-cvc-digits, x-money,
 *   x-minimum-month, x-unguessable), implemented below from their definitions in the document.
 * - Every answer: a documented status, its content type, a body matching its schema, and the
 *   documented headers (Location, ETag …) matching theirs when present.
 *
 * A fixed seed and a small budget in `npm test` (1 request per case, about 260); `npm run test:contract`
 * runs 100 per case with a random seed (CONTRACT_RUNS and CONTRACT_SEED choose; a failure names its seed).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { guessabilityCheck } from '../../shared/services/password-strength.ts';
import type { Json } from '../../tools/values.ts';
import { type Account, registerUser, signInAdmin } from '../support/accounts.ts';
import { type ApiResponse, useGateway } from '../support/api.ts';

const RUNS = Number(process.env.CONTRACT_RUNS) || 1;
const SEED = process.env.CONTRACT_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.CONTRACT_SEED) || 23;

const gateway = useGateway();
const api = () => gateway.api;
const ajv = new Ajv2020({ strict: false, allErrors: false });
formats.default(ajv);
// The document's own keywords for what JSON Schema cannot say, as the descriptions beside them define them.
const today = () => new Date().toISOString().slice(0, 10);
ajv.addKeyword({ keyword: 'x-max-bytes', type: 'string', validate: (max: number, value: string) => Buffer.byteLength(value) <= max });
ajv.addKeyword({
  keyword: 'x-minimum',
  type: 'string',
  validate: (min: string | number, value: string) => (typeof min === 'number' ? Number(value) >= min : value >= min),
});
ajv.addKeyword({ keyword: 'x-maximum', type: 'string', validate: (max: number, value: string) => Number(value) <= max });
ajv.addKeyword({ keyword: 'x-exclusive-maximum', type: 'string', validate: (max: string, value: string) => max !== 'today (UTC)' || value < today() });
ajv.addKeyword({ keyword: 'x-card-networks', type: 'string', validate: (networks: Networks, value: string) => networkOf(networks, value) !== undefined });
ajv.addKeyword({ keyword: 'x-cvc-digits', type: 'string', validate: cvcFits });
ajv.addKeyword({ keyword: 'x-money', validate: moneyFits });
ajv.addKeyword({ keyword: 'x-minimum-month', type: 'string', validate: (_: string, value: string) => expiryMonth(value) >= today().slice(0, 7) });
// The same estimator the API runs; the account's own words it also avoids are not in a generated password.
const isGuessable = await guessabilityCheck();
ajv.addKeyword({ keyword: 'x-unguessable', type: 'string', validate: (_: number, value: string) => !isGuessable(value, []) });

type Networks = Record<string, { prefixes: string[]; lengths: number[] }>;
/** The document's card networks (x-card-networks), read once it is served. */
let networks: Networks = {};

/** The network of a card number the document accepts (digits with spaces and dashes between them, the Luhn check, an IIN range and length), if any. */
function networkOf(networks: Networks, value: string): string | undefined {
  const digits = value.replace(/[ -]/g, '');
  if (!/^\d+$/.test(digits)) return undefined;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  if (sum % 10 !== 0) return undefined;
  const found = Object.entries(networks).find(
    ([, { prefixes, lengths }]) =>
      lengths.includes(digits.length) &&
      prefixes.some((range) => {
        const [low = '', high = low] = range.split('-');
        const head = Number(digits.slice(0, low.length));
        return head >= Number(low) && head <= Number(high);
      }),
  );
  return found?.[0];
}

/** A card expiry's month as the document writes it: YYYY-MM-DD (the day ignored) or MM/YY (20YY). */
function expiryMonth(value: string): string {
  const short = /^(\d\d)\/(\d\d)$/.exec(value);
  return short ? `20${short[2]}-${short[1]}` : value.slice(0, 7);
}

interface Context {
  parentData?: Record<string, unknown>;
}

/** x-cvc-digits: as many digits as the network of the card number beside it needs (any, without a known one). */
function cvcFits(rule: Record<string, number | string>, value: string, _schema?: unknown, context?: Context): boolean {
  const card = context?.parentData?.[rule.card_field as string];
  const network = typeof card === 'string' ? networkOf(networks, card) : undefined;
  return network === undefined || value.length === (rule[network] ?? rule.default);
}

/** x-money: at most the currency's decimals and at most so many of its minor units (any, without a currency beside it). */
function moneyFits(rule: Json, value: unknown, _schema?: unknown, context?: Context): boolean {
  const currency = context?.parentData?.[rule.currency_field];
  if (typeof currency !== 'string' || (typeof value !== 'number' && typeof value !== 'string')) return true;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(String(value));
  if (!match) return false;
  const digits: number = Object.hasOwn(rule.decimals, currency) ? rule.decimals[currency] : rule.decimals.default;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return false;
  const minor = BigInt(match[1] ?? '0') * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return minor > 0n && minor <= BigInt(rule.max_minor_units);
}

let document: Json;
let user: Account;
let admin: Account;
beforeAll(async () => {
  const served = await api().get('/openapi.json', { apiKey: null });
  expect(served.status).toBe(200);
  document = served.body;
  networks = findKey(document, 'x-card-networks') ?? {};
  user = await registerUser(api());
  admin = await signInAdmin(api());
});

/** The first value of a key anywhere in a JSON value. */
function findKey(value: Json, key: string): Json {
  if (!value || typeof value !== 'object') return undefined;
  if (key in value) return value[key];
  for (const child of Object.values(value)) {
    const found = findKey(child as Json, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

interface Operation {
  method: string;
  path: string;
  op: Json;
}
const operations = (): Operation[] =>
  Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
const resolve = (schema: Json): Json => (schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema);

const compiled = new Map<unknown, ReturnType<typeof ajv.compile>>();
/** Why the last value `valid` refused was refused. */
let refusal = '';
function valid(schema: Json, value: unknown): boolean {
  const resolved = resolve(schema);
  let validate = compiled.get(resolved);
  if (!validate) {
    validate = ajv.compile(resolved);
    compiled.set(resolved, validate);
  }
  const ok = validate(value) as boolean;
  if (!ok) refusal = ajv.errorsText(validate.errors);
  return ok;
}

/** A parameter's value as text in a URL: integers in decimal digits (the document's rule), strings as they are. */
function validParameter(schema: Json, text: string): boolean {
  if (schema.type === 'integer') return /^\d+$/.test(text) && valid(schema, Number(text));
  return valid(schema, text);
}

/** Values a schema accepts, for path and query parameters. */
function arbitraryOf(schema: Json): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...schema.enum.map(String));
  if (schema.type === 'integer') return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 }).map(String);
  if (schema.format === 'uuid') return fc.uuid().filter((s) => validParameter(schema, s));
  const text = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : fc.string({ minLength: schema.minLength ?? 0, maxLength: 40 });
  return text.filter((s) => validParameter(schema, s));
}

/**
 * Text that may or may not fit a parameter; the property keeps what the schema refuses. Half the
 * draws are the fixed cases, and every parameter is refused by some of them (checked below), so
 * the filter ends quickly.
 */
const oddTexts = ['0x10', '1e1', '10.0', '-1', '0', '101', '', ' ', 'not-a-uuid', '%00', 'é', '\u0001', 'x'.repeat(257), 'a'.repeat(3000)];
const anyText = fc.oneof(fc.constantFrom(...oddTexts), fc.string({ maxLength: 30, unit: 'binary' }));
function invalidText(schema: Json, where: string, keep: (t: string) => boolean = () => true): fc.Arbitrary<string> {
  const refused = (t: string) => keep(t) && !validParameter(schema, t);
  if (!oddTexts.some(refused)) throw new Error(`${where}: no fixed case the schema refuses; add one to oddTexts`);
  return anyText.filter(refused);
}

/** JSON values of every kind, for a body field the schema should refuse; half the draws fixed cases, as for parameters. */
const oddValues = [null, true, -1, 0, 1.5, 1e300, '', ' ', '0', 'x'.repeat(300), 'ä'.repeat(40), '0000 0000 0000 0000', 'AAA', '1899-12-31', '0.001', {}, []];
const anyValue = fc.oneof(
  fc.constantFrom(...oddValues),
  fc.oneof(fc.string({ maxLength: 40, unit: 'binary' }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.jsonValue({ maxDepth: 2 })),
);

/** Values a body field's schema may accept (the property keeps those the whole body's schema accepts). */
function valuesOf(schema: Json): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...(schema.anyOf as Json[]).map(valuesOf));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.type === 'integer') return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
  if (schema.type === 'number') return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
  if (schema.type === 'boolean') return fc.boolean();
  if (schema.type === 'string') {
    const sizes = { minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 60, 60) };
    if (schema.pattern) {
      try {
        return fc.oneof(fc.stringMatching(new RegExp(schema.pattern)), fc.string({ ...sizes, unit: 'grapheme' }));
      } catch {} // a pattern fast-check cannot generate from (a lookahead): plain text then
    }
    return fc.oneof(fc.string(sizes), fc.string({ ...sizes, unit: 'grapheme' }));
  }
  return fc.jsonValue({ maxDepth: 2 });
}

/** Who may call an operation: the admin only where the document's description says so, else both. */
function callers(operation: Operation): ('user' | 'admin' | 'none')[] {
  if (!operation.op.security?.some((s: Json) => 'bearerAuth' in s)) return ['none'];
  if (/\badmin(s)? only\b|^Admin\b/i.test(`${operation.op.summary} ${operation.op.description}`)) return ['admin'];
  if (operation.path === '/auth/logout') return ['user'];
  return ['user', 'admin'];
}

interface Sent {
  url: string;
  body?: string;
  who: 'user' | 'admin' | 'none';
}

let signUps = 0;

async function send(operation: Operation, sent: Sent): Promise<ApiResponse> {
  // Signing out ends the session it is sent with: a fresh user's each time, each signed up from a
  // network of its own (sign-ups are limited per network, a documented 429).
  const caller = operation.path === '/auth/logout' ? await registerUser(api(), {}, { from: `127.23.${++signUps % 250}.1` }) : user;
  const token = sent.who === 'user' ? caller.token : sent.who === 'admin' ? admin.token : undefined;
  const apiKey = operation.op.security?.length ? undefined : null;
  return api().send(operation.method, sent.url, {
    token,
    apiKey,
    raw: sent.body,
    headers: sent.body === undefined ? {} : { 'content-type': 'application/json' },
  });
}

/** What the document says of an answer that came back, or why it does not match. */
function mismatch(operation: Operation, res: ApiResponse): string | undefined {
  const documented = operation.op.responses[res.status] ?? operation.op.responses.default;
  if (!operation.op.responses[res.status] && res.status < 500) return `status ${res.status} not documented`;
  const type = (res.headers.get('content-type') ?? '').split(';')[0] ?? '';
  if (documented.content) {
    const media = documented.content[type];
    if (!media) return `content type ${type} not documented for ${res.status}`;
    if (type.endsWith('json') && !valid(media.schema, res.body)) return `body does not match the schema for ${res.status}: ${refusal}`;
  } else if (res.text !== '') return `a body where ${res.status} documents none`;
  for (const [name, header] of Object.entries((documented.headers ?? {}) as Record<string, Json>)) {
    const value = res.headers.get(name);
    if (value === null) {
      if (name === 'Location' && res.status === 201) return 'a 201 without Location';
      continue;
    }
    if (!validParameter(header.schema ?? {}, value)) return `header ${name}: ${value} does not match its schema`;
  }
  return undefined;
}

/** A URL with path parameters filled and query parameters appended. */
function urlOf(path: string, params: Record<string, string>, query: Record<string, string>) {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
  const search = new URLSearchParams(query).toString();
  return `${filled}${search ? `?${search}` : ''}`;
}

const pathParameters = (operation: Operation) => ((operation.op.parameters ?? []) as Json[]).filter((p) => p.in === 'path');
const queryParameters = (operation: Operation) => ((operation.op.parameters ?? []) as Json[]).filter((p) => p.in === 'query');
const validPath = (operation: Operation) =>
  fc.record(Object.fromEntries(pathParameters(operation).map((p) => [p.name, arbitraryOf(p.schema)]))) as fc.Arbitrary<Record<string, string>>;
const jsonBody = (operation: Operation) => {
  const media = operation.op.requestBody?.content?.['application/json'];
  return { schema: media ? resolve(media.schema) : undefined, example: media?.example as Record<string, unknown> | undefined };
};

type Case = [name: string, requests: fc.Arbitrary<Sent>];

/**
 * Requests the document calls valid, one case per part that varies: generated path and query
 * parameters with the documented example as the body, then the example with one field changed to
 * another value the document accepts (or left out where it may be).
 */
function validCases(operation: Operation): Case[] {
  const inQuery = queryParameters(operation).filter((p) => p.name !== 'cursor'); // a cursor comes from a page, not from a schema
  const { schema, example } = jsonBody(operation);
  const who = fc.constantFrom(...callers(operation));
  const request = (body: fc.Arbitrary<unknown>, query = fc.constant({}) as fc.Arbitrary<Record<string, string>>) =>
    fc.record({ params: validPath(operation), query, body, who }).map(({ params, query, body, who }) => ({
      url: urlOf(operation.path, params, query),
      body: body === undefined ? undefined : JSON.stringify(body),
      who,
    }));
  const query = fc.record(Object.fromEntries(inQuery.map((p) => [p.name, arbitraryOf(p.schema)])), { requiredKeys: [] });
  const cases: Case[] = [['parameters', request(fc.constant(example), query as fc.Arbitrary<Record<string, string>>)]];
  if (schema?.properties && example && typeof example === 'object') {
    for (const [field, fieldSchema] of Object.entries(schema.properties as Record<string, Json>)) {
      // The example's own value (or leaving the field out) a fifth of the time, so the filter ends quickly.
      const value = fc.oneof({ arbitrary: valuesOf(fieldSchema), weight: 4 }, { arbitrary: fc.constant(example[field]), weight: 1 });
      cases.push([`body.${field}`, request(value.map((v) => ({ ...example, [field]: v })).filter((changed) => valid(schema, changed)))]);
    }
  }
  return cases;
}

/** Requests the document calls invalid, one case per part: that part refused by the document's schema, the rest valid. */
function invalidCases(operation: Operation): Case[] {
  const where = `${operation.method} ${operation.path}`;
  const { schema, example } = jsonBody(operation);
  const who = fc.constantFrom(...callers(operation));
  const validParams = validPath(operation);
  const bodyText = example === undefined ? undefined : JSON.stringify(example);
  const cases: Case[] = [];
  // An unknown query parameter, on every API operation (the pages ignore theirs).
  if (operation.op.security?.length) {
    cases.push([
      'an unknown query parameter',
      fc.tuple(validParams, fc.constantFrom('__proto__', 'constructor', 'user', 'x'), who).map(([params, name, w]) => ({
        url: urlOf(operation.path, params, { [name]: '1' }),
        body: bodyText,
        who: w,
      })),
    ]);
  }
  for (const p of queryParameters(operation)) {
    cases.push([
      `?${p.name}`,
      fc
        .tuple(validParams, invalidText(p.schema, `${where} ?${p.name}`), who)
        .map(([params, value, w]) => ({ url: urlOf(operation.path, params, { [p.name]: value }), body: bodyText, who: w })),
    ]);
  }
  // Path parameters with a format or pattern ("." and ".." are dot segments a client resolves, "" another route).
  for (const p of pathParameters(operation).filter((p) => p.schema.format === 'uuid' || p.schema.pattern)) {
    const keep = (t: string) => t !== '' && t !== '.' && t !== '..' && t.length < 1000;
    cases.push([
      `{${p.name}}`,
      fc
        .tuple(validParams, invalidText(p.schema, `${where} {${p.name}}`, keep), who)
        .map(([params, value, w]) => ({ url: urlOf(operation.path, { ...params, [p.name]: value }, {}), body: bodyText, who: w })),
    ]);
  }
  if (example && schema?.properties) {
    if (schema.additionalProperties !== false) throw new Error(`${where}: a body schema that allows any field`);
    for (const field of [...Object.keys(schema.properties), 'role_', 'unknown_field']) {
      const changed = (value: unknown) => ({ ...example, [field]: value });
      if (!oddValues.some((value) => !valid(schema, changed(value)))) throw new Error(`${where} body.${field}: no fixed value the schema refuses`);
      cases.push([
        `body.${field}`,
        fc
          .tuple(
            validParams,
            anyValue.map(changed).filter((body) => !valid(schema, body)),
            who,
          )
          .map(([params, body, w]) => ({ url: urlOf(operation.path, params, {}), body: JSON.stringify(body), who: w })),
      ]);
    }
  }
  return cases;
}

// A failing case is reported short.
const options = (numRuns: number): fc.Parameters<[Sent]> => ({
  numRuns,
  seed: SEED,
  endOnFailure: true,
  reporter: (run) => {
    if (run.failed) throw new Error(`${String(run.errorInstance).slice(0, 1500)}\n${JSON.stringify(run.counterexample).slice(0, 1500)}`);
  },
});

describe('the served OpenAPI document, as a contract', () => {
  it(
    'accepts what it calls valid, refuses what it calls invalid with 400, and answers as it documents',
    async () => {
      const failures: string[] = [];
      let sentCount = 0;
      const check = (name: string, requests: fc.Arbitrary<Sent>, expectations: (sent: Sent, res: ApiResponse) => void, operation: Operation) =>
        fc
          .assert(
            fc.asyncProperty(requests, async (sent) => {
              sentCount++;
              expectations(sent, await send(operation, sent));
            }),
            options(RUNS),
          )
          .catch((error: unknown) => {
            failures.push(`${operation.method} ${operation.path}, ${name}: ${error instanceof Error ? error.message : String(error)}`);
          });
      for (const operation of operations()) {
        const told = (sent: Sent, res: ApiResponse) => `${sent.url} as ${sent.who} ${sent.body?.slice(0, 300) ?? ''} → ${res.status} ${res.text.slice(0, 300)}`;
        for (const [name, requests] of validCases(operation)) {
          await check(
            `valid ${name}`,
            requests,
            (sent, res) => {
              expect(res.status, told(sent, res)).not.toBe(400);
              expect(res.status, told(sent, res)).toBeLessThan(500);
              const why = mismatch(operation, res);
              expect(why, `${why}: ${told(sent, res)}`).toBeUndefined();
            },
            operation,
          );
        }
        for (const [name, requests] of invalidCases(operation)) {
          await check(
            `invalid ${name}`,
            requests,
            (sent, res) => {
              expect(res.status, told(sent, res)).toBe(400);
              const why = mismatch(operation, res);
              expect(why, `${why}: ${told(sent, res)}`).toBeUndefined();
            },
            operation,
          );
        }
      }
      console.log(`contract: ${sentCount} requests (seed ${SEED}, ${RUNS} per case)`);
      expect(failures, `requests answered otherwise than the document says (seed ${SEED}, ${RUNS} runs per case)`).toEqual([]);
    },
    Math.max(600_000, RUNS * 30_000),
  ); // a limit that catches a hang, never a long run
});
