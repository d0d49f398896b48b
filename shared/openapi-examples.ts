/**
 * Examples for the OpenAPI document: a request body for every route that takes one (the seeds' samples
 * where they fit) and a success body for every route that answers JSON. Typed by the routes' own
 * schemas, so an example that no longer fits fails `tsc`; the linters check them against the
 * document too. Kept out of the route table, which every function bundles: only the docs need them.
 */
import type * as z from 'zod/mini';
import type { RouteId, routes } from './routes.ts';

type Routes = typeof routes;
type WithBody = { [K in RouteId]: Routes[K] extends { body: () => z.ZodMiniType } ? K : never }[RouteId];
type WithResponse = { [K in RouteId]: Routes[K] extends { response: () => z.ZodMiniType } ? K : never }[RouteId];
type BodyOf<K extends WithBody> = Routes[K] extends { body: () => infer S extends z.ZodMiniType } ? z.input<S> : never;
type ResponseOf<K extends WithResponse> = Routes[K] extends { response: () => infer S extends z.ZodMiniType } ? z.output<S> : never;

const created = '2026-01-15T09:30:00.000Z';
const updated = '2026-02-03T17:05:12.000Z';
const userId = '5ddeb2da-086f-4f79-8a4d-83e1cd37c322';

const user = {
  user_id: userId,
  name: 'Jane Doe',
  email: 'jane@example.com',
  username: 'jane_doe',
  gender: 'Female',
  role: 'user',
  version: 1,
  created_at: created,
  updated_at: created,
} as const;

/** A user an admin created: no username, no password yet. */
const john = {
  user_id: '0eeb131a-10cb-408c-b770-a7ddcaebb26c',
  name: 'John Doe',
  email: 'john@example.com',
  phone: '1234567890',
  country: 'India',
  role: 'user',
  version: 1,
  created_at: updated,
  updated_at: updated,
} as const;

const tokens = {
  token_type: 'Bearer',
  access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI1ZGRlYjJkYS0wODZmLTRmNzktOGE0ZC04M2UxY2QzN2MzMjIifQ.c2lnbmF0dXJlLW5vdC1yZWFs',
  expires_in: 900,
  refresh_token: `${userId}.mACxkehfK1ui9RL09msZ_DsxT5aIZMyFYaAWrNGzqwY`,
} as const;

const payment = {
  payment_id: '75cf6d5f-8dca-40e2-827e-af64bc4478bf',
  user_id: userId,
  amount: 500,
  amount_minor: 50000,
  currency: 'INR',
  payment_method: 'Credit Card',
  card_no: 'XXXX-XXXX-XXXX-1111',
  card_brand: 'visa',
  card_last4: '1111',
  card_expiry: '2030-12',
  status: 'completed',
  description: 'Payment for services',
  version: 1,
  created_at: created,
  updated_at: created,
} as const;

const kvMeta = { key: 'settings/theme', version: 2, created_at: created, updated_at: updated };
const kvEntry = { ...kvMeta, value: { mode: 'dark', accent: '#3366ff' } };

const record = {
  record_id: 'AIMRHo2-YrFhlMD2HkQeKnY0W_HAqmrTl2pJG54SLEU',
  user_id: userId,
  name: 'John Doe',
  dob: '1990-01-01',
  height: 175,
  weight: 70,
  created_at: created,
};

/** A sealed cursor as the API writes one (this one opens nowhere). */
const nextCursor = 'dGhpcy1pcy1ub3QtYS1yZWFsLWN1cnNvci1idXQtaXQtbG9va3MtbGlrZS1vbmU';

export const requestExamples: { [K in WithBody]: BodyOf<K> } = {
  'auth.register': { email: 'jane@example.com', password: 'Str0ng!Passw0rd', name: 'Jane Doe', username: 'jane_doe', gender: 'Female' },
  'auth.login': { email: 'jane@example.com', password: 'Str0ng!Passw0rd' },
  'auth.token': { refresh_token: tokens.refresh_token },
  'users.create': { name: 'John Doe', email: 'john@example.com', phone: '1234567890', country: 'India' },
  'users.update': { address: '456 Another St, New City' },
  'users.patch': { name: 'Mario Mario' },
  'users.delete': { current_password: 'Str0ng!Passw0rd' },
  'payments.create': {
    amount: 500.0,
    payment_method: 'Credit Card',
    card_no: '4111111111111111',
    card_expiry: '2030-12-01',
    card_cvc: '123',
    status: 'completed',
    currency: 'INR',
    description: 'Payment for services',
  },
  'payments.update': { status: 'refunded' },
  'kv.put': { mode: 'dark', accent: '#3366ff' },
  'records.create': { name: 'John Doe', phone: '9876543210', dob: '1990-01-01', height: '175', weight: '70' },
  'records.lookup': { phone: '9876543210' },
  'records.deleteByPhone': { phone: '9876543210' },
};

export const responseExamples: { [K in WithResponse]: ResponseOf<K> } & { 'docs.openapi': unknown } = {
  'health.get': { status: 'ok' },
  'docs.openapi': { openapi: '3.1.0', info: { title: 'User-data platform API', version: '1.0.0' }, paths: { '/health': {} } },
  'auth.register': { user, ...tokens },
  'auth.login': { user, ...tokens },
  'auth.token': tokens,
  'me.get': user,
  'me.sessions': {
    items: [{ session_id: 'a9b09ad3-a449-427d-bf54-1c8d437286b3', created_at: updated, expires_at: '2026-03-05T17:05:12.000Z', current: true }],
    next_cursor: null,
  },
  'me.export': {
    exported_at: updated,
    profile: user,
    key_value: [kvEntry],
    payments: [payment],
    records: [record],
    sessions: [{ session_id: 'a9b09ad3-a449-427d-bf54-1c8d437286b3', created_at: updated, expires_at: '2026-03-05T17:05:12.000Z', current: true }],
  },
  'users.list': { items: [john, user], next_cursor: nextCursor },
  'users.create': john,
  'users.get': user,
  'users.update': { ...user, address: '456 Another St, New City', version: 2, updated_at: updated },
  'users.patch': { ...user, name: 'Mario Mario', version: 2, updated_at: updated },
  'payments.list': { items: [payment], next_cursor: null },
  'payments.create': payment,
  'payments.get': payment,
  'payments.update': { ...payment, status: 'refunded', version: 2, updated_at: updated },
  'kv.list': { items: [kvMeta, { key: 'settings/language', version: 1, created_at: created, updated_at: created }], next_cursor: nextCursor },
  'kv.get': kvEntry,
  'kv.put': kvEntry,
  'records.list': { items: [record], next_cursor: null },
  'records.create': record,
  'records.get': record,
  'records.lookup': { items: [record], next_cursor: null },
};
