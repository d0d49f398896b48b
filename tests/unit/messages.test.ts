/** The `errors` of a 400 speak to people: what to fix, in plain words, never the validator's terms. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { type FieldError, InvalidInput } from '../../shared/errors.ts';
import { parsePart } from '../../shared/http/validate.ts';
import { type RouteDef, routes } from '../../shared/routes.ts';
import { jsonSchemaOf } from '../../shared/schemas/json-schema.ts';
import { createPaymentBody, listPaymentsQuery } from '../../shared/schemas/payments.ts';
import { createRecordBody } from '../../shared/schemas/records.ts';
import { createUserBody, registerBody } from '../../shared/schemas/users.ts';

function errorsOf(schema: z.ZodMiniType, value: unknown, where = 'body'): FieldError[] {
  try {
    parsePart(where, schema, value);
  } catch (error) {
    if (error instanceof InvalidInput) return error.fields ?? [];
    throw error;
  }
  return [];
}

describe('validation messages', () => {
  it('say what is missing and what is allowed', () => {
    expect(errorsOf(registerBody(), {})).toEqual([
      { path: 'body.email', message: 'Required' },
      { path: 'body.password', message: 'Required' },
      { path: 'body.name', message: 'Required' },
    ]);
    expect(errorsOf(registerBody(), { email: 5, password: 'Str0ng!Passw0rd', name: '   ', country: 'x'.repeat(57) })).toEqual([
      { path: 'body.email', message: 'Invalid email address' },
      { path: 'body.name', message: 'Must not be empty' },
      { path: 'body.country', message: 'Must be at most 56 characters' },
    ]);
    expect(errorsOf(createUserBody(), { email: 'john@example.com', name: 'John', role: 'root' })).toEqual([
      { path: 'body.role', message: 'Must be one of: user, admin' },
    ]);
    for (const limit of ['0', '1.5', 'ten', '101']) {
      expect(errorsOf(listPaymentsQuery(), { limit }, 'query'), limit).toEqual([{ path: 'query.limit', message: 'Must be a whole number from 1 to 100' }]);
    }
    expect(errorsOf(createPaymentBody(), { amount: true })).toContainEqual({
      path: 'body.amount',
      message: 'Amount must be a positive number or a decimal string',
    });
    // Every field's error in one answer, each once: a bad amount with a bad card, a wrong CVC with an unknown network.
    const card = { payment_method: 'Credit Card', card_expiry: '12/30' };
    expect(errorsOf(createPaymentBody(), { ...card, amount: '0.001', currency: 'JPY', card_no: '4111111111111112', card_cvc: '12345' })).toEqual([
      { path: 'body.card_no', message: 'Card number fails the Luhn check' },
      { path: 'body.card_cvc', message: 'CVC must be 3 digits (4 for American Express)' },
      { path: 'body.amount', message: 'At most 0 decimals for JPY' },
    ]);
    expect(errorsOf(createPaymentBody(), { ...card, amount: '0', currency: 'AAA', card_no: '0000 0000 0000 0000', card_cvc: '1234' })).toEqual([
      { path: 'body.amount', message: 'Amount must be a positive decimal number' },
      { path: 'body.currency', message: 'Currency must be an ISO 4217 code such as INR or USD' },
      { path: 'body.card_no', message: 'Card number is in no known card network’s range (x-card-networks)' },
    ]);
    expect(errorsOf(createPaymentBody(), { amount: 5 })).toContainEqual({ path: 'body.payment_method', message: 'Required' });
    expect(errorsOf(createRecordBody(), { height: true })).toContainEqual({ path: 'body.height', message: 'Must be a number of cm' });
    // Each rule in its own words: the bound a number or a numeric string breaks, the date's lower bound.
    const record = { name: 'A', phone: '9876543210', dob: '1990-01-01', height: 175, weight: 70 };
    expect(errorsOf(createRecordBody(), { ...record, weight: '1000' })).toEqual([{ path: 'body.weight', message: 'Must be at most 650 kg' }]);
    expect(errorsOf(createRecordBody(), { ...record, weight: '0.98' })).toEqual([{ path: 'body.weight', message: 'Must be at least 1 kg' }]);
    expect(errorsOf(createRecordBody(), { ...record, dob: '1899-12-31' })).toEqual([{ path: 'body.dob', message: 'Date must be 1900-01-01 or later' }]);
    expect(errorsOf(createRecordBody(), { ...record, dob: '2999-01-01' })).toEqual([{ path: 'body.dob', message: 'Date must be in the past' }]);
    expect(errorsOf(createRecordBody(), { ...record, dob: '19-01-01' })).toEqual([{ path: 'body.dob', message: 'Date must be a real date as YYYY-MM-DD' }]);
  });

  it("never use the validator's own terms, whatever a route is sent", () => {
    const parts = (Object.entries(routes) as [string, RouteDef][]).flatMap(([id, route]) =>
      (['body', 'params', 'query'] as const).flatMap((where) => {
        const schema = route[where]?.();
        if (!schema) return [];
        const fields = Object.keys((jsonSchemaOf(schema) as { properties?: object }).properties ?? {});
        return [{ id, where, schema, fields }];
      }),
    );
    for (const { id, where, schema, fields } of parts) {
      // What JSON can carry: a body is parsed JSON; a path or query value is a string.
      const value = fc.oneof(
        fc.jsonValue(),
        fields.length ? fc.dictionary(fc.constantFrom(...fields), fc.jsonValue(), { maxKeys: fields.length }) : fc.jsonValue(),
      );
      fc.assert(
        fc.property(value, (input) => {
          for (const { message } of errorsOf(schema, input, where)) {
            expect(message, `${id} ${where} ${JSON.stringify(input)}`).not.toMatch(/expected|received|Invalid input|Too (big|small)|Unrecognized/i);
          }
        }),
        { numRuns: 200 },
      );
    }
  });
});
