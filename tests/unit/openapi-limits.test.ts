/**
 * The limits the OpenAPI document states are the ones the functions enforce: every integer has its
 * real bounds, everything a client sends is bounded, and where a rule checked in code is written out
 * for JSON Schema by hand (z.meta in shared/schemas), the document and the validation agree on
 * generated input.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/openapi.ts';
import { loginBody } from '../../shared/schemas/auth.ts';
import { password } from '../../shared/schemas/common.ts';
import { kvParams } from '../../shared/schemas/kv.ts';
import { updatePaymentBody } from '../../shared/schemas/payments.ts';
import { updateUserBody } from '../../shared/schemas/users.ts';
import type { Json } from '../../tools/values.ts';

const document: Json = openApiDocument('https://api.example.com');
const ajv = new Ajv2020({ strict: false });
formats.default(ajv);

/** Every schema node under `node`, with its JSON pointer. */
function* nodes(node: unknown, pointer = ''): Generator<[string, Json]> {
  if (!node || typeof node !== 'object') return;
  yield [pointer, node as Json];
  for (const [key, child] of Object.entries(node)) yield* nodes(child, `${pointer}/${key}`);
}

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
  );

/** What a client sends: parameters and request bodies. */
const requestSchemas = () =>
  operations().flatMap(({ where, op }) => [
    ...(op.parameters as Json[]).map((p): [string, Json] => [`${where} ${p.in} ${p.name}`, p.schema]),
    ...(op.requestBody ? [[`${where} body`, op.requestBody.content['application/json'].schema] as [string, Json]] : []),
  ]);

const parameter = (path: string, method: string, name: string): Json => document.paths[path][method].parameters.find((p: Json) => p.name === name).schema;
const bodySchema = (path: string, method: string): Json => document.paths[path][method].requestBody.content['application/json'].schema;

describe('the limits the OpenAPI document states', () => {
  it('give every integer its real minimum, never the JavaScript safe-integer floor', () => {
    const floorless = [...nodes(document)].filter(([, n]) => n.type === 'integer' && (n.minimum === undefined || n.minimum <= Number.MIN_SAFE_INTEGER));
    expect(floorless.map(([pointer]) => pointer)).toEqual([]);
    const versions = [...nodes(document)].filter(([pointer]) => pointer.endsWith('/properties/version'));
    expect(versions.length).toBeGreaterThan(15);
    for (const [pointer, version] of versions) expect(version, pointer).toMatchObject({ type: 'integer', minimum: 1 });
  });

  it('bound every string and number a client sends', () => {
    const unbounded: string[] = [];
    for (const [where, schema] of requestSchemas()) {
      for (const [pointer, n] of nodes(schema)) {
        // Any If-Match is accepted: a tag that is no version of the resource is a 412, not a 400.
        if (where.endsWith('header If-Match')) continue;
        // A pattern bounds the length when it repeats nothing without limit (escaped characters aside).
        const boundedPattern = typeof n.pattern === 'string' && !/[*+]|\{\d+,\}/.test(n.pattern.replace(/\\./g, ''));
        const string = n.type === 'string' && !(n.maxLength !== undefined || n.enum || n.const !== undefined || boundedPattern || n.format === 'uuid');
        const number = (n.type === 'number' || n.type === 'integer') && !((n.minimum ?? n.exclusiveMinimum) !== undefined && n.maximum !== undefined);
        if (string || number) unbounded.push(`${where}${pointer}`);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('say what the code enforces: relative Location, the currencies, the card networks, bytes for a password, the date bounds, numeric strings bounded', () => {
    const locations = operations().flatMap(({ op }) =>
      Object.values(op.responses as Record<string, Json>).flatMap((r) => (r.headers?.Location ? [r.headers.Location.schema] : [])),
    );
    expect(locations.length).toBeGreaterThan(3);
    for (const location of locations) expect(location).toEqual({ type: 'string', format: 'uri-reference' });
    const payment = bodySchema('/payments', 'post').properties;
    expect(payment.currency.enum).toContain('INR');
    expect(payment.currency.enum).not.toContain('AAA');
    expect(payment.currency.enum).not.toContain('XAU');
    expect(payment.card_no['x-card-networks'].visa).toEqual({ prefixes: ['4'], lengths: [13, 16, 19] });
    const decimal = payment.amount.anyOf.find((a: Json) => a.type === 'string');
    expect(ajv.validate(decimal, '0')).toBe(false);
    expect(ajv.validate(decimal, '0.00')).toBe(false);
    expect(ajv.validate(decimal, '0.5')).toBe(true);
    const registration = bodySchema('/auth/register', 'post').properties;
    expect(registration.password).toMatchObject({ maxLength: 72, 'x-max-bytes': 72 });
    const record = bodySchema('/records', 'post').properties;
    expect(record.dob).toMatchObject({ 'x-minimum': '1900-01-01' });
    expect(record.weight.anyOf.find((a: Json) => a.type === 'string')).toMatchObject({ 'x-minimum': 1, 'x-maximum': 650 });
  });

  it('accept exactly the key-value keys the function accepts', () => {
    const documented = ajv.compile(parameter('/kv/{key}', 'put', 'key'));
    const characters = fc.oneof(
      fc.constantFrom('a', '/', ' ', 'ü', '日', '😀', '\u0000', '\u001f', '\u007f', '\u0085', '\u009f', '\u00a0', '\ud800', '\udfff'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const key = fc.oneof(fc.string({ unit: characters, maxLength: 8 }), fc.string({ unit: characters, minLength: 250, maxLength: 260 }));
    fc.assert(
      fc.property(key, (k) => {
        expect(documented(k), JSON.stringify(k)).toBe(kvParams().safeParse({ key: k }).success);
      }),
      { numRuns: 500 },
    );
    expect(documented('k'.repeat(256))).toBe(true);
    expect(documented('😀'.repeat(256))).toBe(true);
  });

  it('accept exactly the ASCII passwords the function accepts, and every password it accepts', () => {
    const documented = ajv.compile(bodySchema('/auth/register', 'post').properties.password);
    const policy = password();
    const ascii = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 80 }),
      fc.string({ unit: 'binary-ascii', minLength: 64, maxLength: 72 }).map((rest) => `Aa1!${rest}`), // around 72
    );
    fc.assert(
      fc.property(ascii, (password) => {
        expect(documented(password), password).toBe(policy.safeParse(password).success);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 64, maxLength: 72 }).map((rest) => `Aa1!${rest}`),
        (password) => {
          if (policy.safeParse(password).success) expect(documented(password), password).toBe(true); // bytes > characters
        },
      ),
    );
  });

  it('state the rules across fields exactly as the functions apply them', () => {
    const cases = [
      {
        documented: ajv.compile(bodySchema('/auth/login', 'post')),
        schema: loginBody(),
        fields: { email: 'jane@example.com', username: 'jane_doe', password: 'Str0ng!Passw0rd' },
      },
      {
        documented: ajv.compile(bodySchema('/users/{id}', 'patch')),
        schema: updateUserBody(),
        fields: { name: 'Jane Doe', address: '456 Another St', current_password: 'Str0ng!Passw0rd' },
      },
      {
        documented: ajv.compile(bodySchema('/payments/{id}', 'put')),
        schema: updatePaymentBody(),
        fields: { status: 'completed', card_no: '4111 1111 1111 1111', card_expiry: '12/99', card_cvc: '123', description: 'Rent' },
      },
    ];
    for (const { documented, schema, fields } of cases) {
      fc.assert(
        fc.property(fc.subarray(Object.entries(fields)), (entries) => {
          const body = Object.fromEntries(entries);
          expect(documented(body), JSON.stringify(body)).toBe(schema.safeParse(body).success);
        }),
      );
    }
  });
});
