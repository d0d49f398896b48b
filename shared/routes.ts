/**
 * THE route table. The CDK stack, the local gateway, the OpenAPI document and the tests all read it;
 * each handler binds itself to its entry here. Auth levels: `none` (API key only), `user` (any signed-in
 * account), `admin`. `apiKey: false` marks the routes the usage plan does not cover.
 */
import * as z from 'zod/mini';
import { loginBody, refreshBody, session, tokens } from './schemas/auth.ts';
import { lazy } from './schemas/common.ts';
import { kvEntry, kvPage, kvParams, kvValue, listKvQuery } from './schemas/kv.ts';
import { accountExport, listSessionsQuery, sessionIdParams, sessionPage } from './schemas/me.ts';
import { createPaymentBody, listPaymentsQuery, payment, paymentIdParams, paymentPage, updatePaymentBody } from './schemas/payments.ts';
import { createRecordBody, listRecordsQuery, lookupQuery, phoneBody, record, recordIdParams, recordPage } from './schemas/records.ts';
import { createUserBody, deleteUserBody, listUsersQuery, registerBody, updateUserBody, user, userIdParams, userPage } from './schemas/users.ts';
import type { StaticFile } from './web/static.ts';

/** Schemas are built on first use (see lazy in schemas/common.ts): a function builds only its own. */
export type Schema = () => z.ZodMiniType;

export type AuthLevel = 'none' | 'user' | 'admin';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  method: Method;
  path: string;
  /** Handler source, relative to the project root; the export is always `handler`. */
  entry: string;
  auth: AuthLevel;
  apiKey?: false;
  summary: string;
  /** The docs' account of the route: what it does, its rules and limits, and the errors a client should expect. */
  description: string;
  /** What the route does with the table (and so the app secret): its IAM permissions in the stack. */
  data: 'none' | 'read' | 'write';
  body?: Schema;
  /** Largest request body accepted (default 64 KiB). */
  maxBodyBytes?: number;
  params?: Schema;
  query?: Schema;
  /** Success status and body schema (no body for 204; none either for HTML, scripts and redirects). */
  status: number;
  response?: Schema;
  /** Media types of a success body that is not JSON (pages, scripts, styles). */
  produces?: string[];
  /** Statuses this route answers besides the ones every route of its kind has (see openapi.ts). */
  errors?: number[];
  /** The files the route serves from web/ and Swagger UI (shared/web/static.ts): its function ships them. */
  staticFiles?: readonly StaticFile[];
  /** The function needs the client API key's value (the console embeds it in the page). */
  consoleApiKey?: true;
  /** Hashes or checks a password with bcrypt, which is CPU-bound: the stack gives it more memory, so more CPU. */
  bcrypt?: true;
  /** The answer is a versioned resource: its `version` goes out as the ETag. */
  etag?: true;
  /** Where a created resource lives, from the API's root: sent as Location with a 201. */
  // biome-ignore lint/suspicious/noExplicitAny: each route's location reads its own created body (the shape of its response schema), which one RouteDef for every route cannot name
  location?: (created: any) => string;
  /** Answers 201 when it creates and `status` when it replaces (the handler tells which). */
  creates?: true;
  /** Request headers the route honours: If-Match and If-None-Match (a 412 when stale), Idempotency-Key. */
  honours?: ('if-match' | 'if-none-match' | 'idempotency-key')[];
}

const health = lazy(() => z.object({ status: z.literal('ok') }));
const ASSETS = ['console.js', 'console.css', 'docs.js', 'swagger-ui-bundle.js', 'swagger-ui.css'] as const satisfies readonly StaticFile[];
/** Any other name is a 404 from the function (not a 400): the list is documented, not validated. */
const assetParams = lazy(() => z.strictObject({ file: z.string().check(z.meta({ enum: [...ASSETS] })) }));

export const routes = {
  'health.get': {
    method: 'GET',
    path: '/health',
    entry: 'functions/health/get.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: 'Liveness check',
    description:
      'Answers `{"status":"ok"}` while the function runs. It needs no API key and reads no data, so it suits uptime checks (it says nothing about the table).',
    status: 200,
    response: health,
  },

  'auth.register': {
    method: 'POST',
    path: '/auth/register',
    entry: 'functions/auth/register.ts',
    location: (session) => `/users/${session.user.user_id}`,
    auth: 'none',
    bcrypt: true,
    data: 'write',
    errors: [409],
    summary: 'Create an account and sign in',
    description:
      'Creates an account with the `user` role and signs it in: the answer carries the profile and a token pair. The password needs 8 or more characters (at most 72 bytes in UTF-8) with a lowercase and an uppercase letter, a digit and a special character. An email or username already registered answers 409.',
    body: registerBody,
    status: 201,
    response: session,
  },
  'auth.login': {
    method: 'POST',
    path: '/auth/login',
    entry: 'functions/auth/login.ts',
    auth: 'none',
    bcrypt: true,
    data: 'write',
    errors: [401],
    summary: 'Sign in with email or username and password',
    description:
      'Send `email` or `username` (one of them) with the password. A wrong email, username or password answers the same 401. Failed attempts are counted per account and per network: past the limit the answer is 429 with Retry-After, and the password is not checked.',
    body: loginBody,
    status: 200,
    response: session,
  },
  'auth.token': {
    method: 'POST',
    path: '/auth/token',
    entry: 'functions/auth/token.ts',
    auth: 'none',
    data: 'write',
    errors: [401],
    summary: 'Exchange a refresh token for a new token pair',
    description:
      'Each refresh token works once: the answer carries a new access token and a new refresh token. An expired, used or revoked refresh token answers 401: sign in again.',
    body: refreshBody,
    status: 200,
    response: tokens,
  },
  'auth.logout': {
    method: 'POST',
    path: '/auth/logout',
    entry: 'functions/auth/logout.ts',
    auth: 'user',
    data: 'write',
    summary: 'End this session: the access token and its refresh tokens stop working',
    description:
      "Revokes the session of the access token sent: that token and its refresh tokens stop working at once. The account's other sessions stay open.",
    status: 204,
  },
  'me.get': {
    method: 'GET',
    path: '/me',
    entry: 'functions/me/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: "The caller's profile",
    description:
      'The profile of the signed-in account. The ETag is its version: send it as If-Match with PUT /users/{id} so that a concurrent change is not overwritten.',
    status: 200,
    response: user,
  },
  'me.export': {
    method: 'GET',
    path: '/me/export',
    entry: 'functions/me/export.ts',
    auth: 'user',
    data: 'read',
    summary: 'Everything the API holds about you: profile, key-value entries, payments (masked), records, open sessions',
    description:
      "A copy of everything the API holds about the caller, in one JSON document (the GDPR's right of access): the profile, every key-value entry with its value, payments with their card numbers masked, health records and open sessions.",
    status: 200,
    response: accountExport,
  },
  'me.sessions': {
    method: 'GET',
    path: '/me/sessions',
    entry: 'functions/me/sessions.ts',
    auth: 'user',
    data: 'read',
    summary: 'Your open sessions (signed-in devices); `current` marks the one you are using',
    description:
      "The caller's open sessions, one per sign-in (each refresh-token family), in session-id order, paged with `limit` and `cursor`. `current` marks the session of the access token in use. A page can hold fewer than `limit` sessions (expired ones not yet removed from storage are left out): follow `next_cursor` until it is null.",
    query: listSessionsQuery,
    status: 200,
    response: sessionPage,
  },
  'me.endSession': {
    method: 'DELETE',
    path: '/me/sessions/{id}',
    entry: 'functions/me/end-session.ts',
    auth: 'user',
    data: 'write',
    summary: 'Sign one of your sessions out: its access and refresh tokens stop working',
    description:
      "Ends one of the caller's sessions at once: its access token is refused from the next request and its refresh token can no longer be used. Another account's session id answers 404, as an unknown one does.",
    params: sessionIdParams,
    status: 204,
  },

  'users.list': {
    method: 'GET',
    path: '/users',
    entry: 'functions/users/list.ts',
    auth: 'admin',
    data: 'read',
    summary: 'List users, newest first',
    description:
      'Admins only. Users, newest first, a page at a time: `limit` (1-100, default 20) per page, and the `next_cursor` of one page as `cursor` for the next. `email` finds the user with that address.',
    query: listUsersQuery,
    status: 200,
    response: userPage,
  },
  'users.create': {
    method: 'POST',
    path: '/users',
    entry: 'functions/users/create.ts',
    etag: true,
    location: (user) => `/users/${user.user_id}`,
    auth: 'admin',
    bcrypt: true,
    data: 'write',
    errors: [409],
    summary: 'Create a user',
    description:
      'Admins only. Creates a user with any role. Without a password the user cannot sign in until one is set with PUT /users/{id}. An email or username already registered answers 409.',
    body: createUserBody,
    status: 201,
    response: user,
  },
  'users.get': {
    method: 'GET',
    path: '/users/{id}',
    entry: 'functions/users/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: 'Read a user (admin, or the user themself)',
    description:
      "Users read their own profile and admins anyone's; another user's id answers 404, as if it did not exist. The ETag is the version, for If-Match on update or delete.",
    params: userIdParams,
    status: 200,
    response: user,
  },
  'users.update': {
    method: 'PUT',
    path: '/users/{id}',
    entry: 'functions/users/update.ts',
    etag: true,
    honours: ['if-match'],
    auth: 'user',
    bcrypt: true,
    data: 'write',
    errors: [409],
    summary: 'Partially update a user (If-Match for optimistic locking; your own email or password: current_password too)',
    description:
      'Changes only the fields sent. Send the ETag of your read as If-Match: if the user has changed since, the answer is 412 and nothing is written. Changing your own email or password needs `current_password`; only an admin changes a `role`. An email or username already taken answers 409.',
    params: userIdParams,
    body: updateUserBody,
    status: 200,
    response: user,
  },
  'users.patch': {
    method: 'PATCH',
    path: '/users/{id}',
    entry: 'functions/users/update.ts',
    etag: true,
    honours: ['if-match'],
    auth: 'user',
    bcrypt: true,
    data: 'write',
    errors: [409],
    summary: 'Same as PUT: partial update',
    description:
      'The same partial update as PUT /users/{id}, for clients that expect PATCH: only the fields sent change, with the same rules for If-Match, `current_password` and `role`.',
    params: userIdParams,
    body: updateUserBody,
    status: 200,
    response: user,
  },
  'users.delete': {
    method: 'DELETE',
    path: '/users/{id}',
    entry: 'functions/users/delete.ts',
    honours: ['if-match'],
    auth: 'user',
    bcrypt: true,
    data: 'write',
    summary: 'Delete a user with their sessions and uniqueness markers (deleting yourself: current_password in the body)',
    description:
      'Deletes the user, ends all their sessions, frees their email and username and deletes their key-value entries and health records. Deleting yourself needs `current_password` in the body; an admin deleting another user sends no body. If-Match deletes only the version read.',
    params: userIdParams,
    body: deleteUserBody,
    status: 204,
  },

  'payments.list': {
    method: 'GET',
    path: '/payments',
    entry: 'functions/payments/list.ts',
    auth: 'user',
    data: 'read',
    errors: [404],
    summary: "List payments, newest first (yours; all or one user's for admins)",
    description:
      "Payments, newest first, a page at a time (`limit` 1-100, default 20; the `next_cursor` of one page as `cursor` for the next). Users see their own; admins see everyone's, or one user's with `user_id`. A user naming another `user_id` gets 404.",
    query: listPaymentsQuery,
    status: 200,
    response: paymentPage,
  },
  'payments.create': {
    method: 'POST',
    path: '/payments',
    entry: 'functions/payments/create.ts',
    etag: true,
    location: (payment) => `/payments/${payment.payment_id}`,
    honours: ['idempotency-key'],
    auth: 'user',
    data: 'write',
    errors: [409, 422],
    summary: 'Create a payment (Idempotency-Key supported)',
    description:
      'Records a card payment. The card number (12-19 digits, Luhn-checked) is stored encrypted and answered masked; the CVC (3 digits, 4 for American Express) is checked, then discarded; an expired card is refused. `amount` is a JSON number or a decimal string with at most as many decimals as its currency has (ISO 4217). With an Idempotency-Key a retry is safe: the same key and body within 24 hours replay the first answer, the same key with another body answers 422. Admins may pay for another user with `user_id`.',
    body: createPaymentBody,
    status: 201,
    response: payment,
  },
  'payments.get': {
    method: 'GET',
    path: '/payments/{id}',
    entry: 'functions/payments/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: 'Read a payment (the owner or an admin)',
    description: "The payment's owner or an admin reads it; to anyone else it does not exist (404). The card number comes masked; the ETag is the version.",
    params: paymentIdParams,
    status: 200,
    response: payment,
  },
  'payments.update': {
    method: 'PUT',
    path: '/payments/{id}',
    entry: 'functions/payments/update.ts',
    etag: true,
    honours: ['if-match'],
    auth: 'user',
    data: 'write',
    errors: [409],
    summary: 'Update a payment: status forward only; amount, currency and card while pending',
    description:
      'Status moves only forward: pending to completed or failed, completed to refunded. Amount, currency and card change only while the payment is pending (409 after); a new card number needs its expiry and CVC. If-Match with the ETag read makes the write conditional (412 when stale).',
    params: paymentIdParams,
    body: updatePaymentBody,
    status: 200,
    response: payment,
  },
  'payments.delete': {
    method: 'DELETE',
    path: '/payments/{id}',
    entry: 'functions/payments/delete.ts',
    honours: ['if-match'],
    auth: 'user',
    data: 'write',
    errors: [409],
    summary: 'Delete a pending payment',
    description: 'Only a pending payment can be deleted (409 otherwise), by its owner or an admin. If-Match deletes only the version read.',
    params: paymentIdParams,
    status: 204,
  },

  'kv.list': {
    method: 'GET',
    path: '/kv',
    entry: 'functions/kv/list.ts',
    auth: 'user',
    data: 'read',
    summary: 'List your keys in key order (optionally by prefix)',
    description:
      'Your keys in key order, without their values (read one with GET /kv/{key}). `prefix` keeps the keys that start with it; `limit` (1-100, default 20) per page, and the `next_cursor` of one page as `cursor` for the next.',
    query: listKvQuery,
    status: 200,
    response: kvPage,
  },
  'kv.get': {
    method: 'GET',
    path: '/kv/{key}',
    entry: 'functions/kv/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: 'Read a value',
    description:
      "The value stored under the key (URL-encoded in the path), with its version as the ETag. Keys are private: another user's key of the same name is another entry.",
    params: kvParams,
    status: 200,
    response: kvEntry,
  },
  'kv.put': {
    method: 'PUT',
    path: '/kv/{key}',
    entry: 'functions/kv/put.ts',
    etag: true,
    creates: true,
    location: (entry) => `/kv/${encodeURIComponent(entry.key)}`,
    honours: ['if-match', 'if-none-match'],
    auth: 'user',
    data: 'write',
    errors: [409],
    summary: 'Create (201) or replace (200) a value; If-None-Match: * creates only, If-Match compares and swaps',
    description:
      "The body is the value itself: any JSON value, up to 256 KiB in UTF-8 and 32 levels of nesting. Keys are 1-256 characters without control characters; URL-encode them in the path (`/` as `%2F`). Answers 201 when the key is new and 200 when its value is replaced. `If-None-Match: *` creates only; `If-Match` with an ETag replaces only that version (412 otherwise). Each user's store holds a limited number of keys and bytes: 409 when it is full.",
    params: kvParams,
    body: kvValue,
    maxBodyBytes: 512 * 1024,
    status: 200,
    response: kvEntry,
  },
  'kv.delete': {
    method: 'DELETE',
    path: '/kv/{key}',
    entry: 'functions/kv/delete.ts',
    honours: ['if-match'],
    auth: 'user',
    data: 'write',
    summary: 'Delete a value (If-Match honoured)',
    description: 'Deletes the key and its value; a key you do not have answers 404. If-Match deletes only the version read.',
    params: kvParams,
    status: 204,
  },

  'records.list': {
    method: 'GET',
    path: '/records',
    entry: 'functions/records/list.ts',
    auth: 'user',
    data: 'read',
    errors: [404],
    summary: "List your health records, newest first (admins: any user's with user_id)",
    description:
      "Your health records, newest first, a page at a time (`limit` 1-100, default 20; the `next_cursor` of one page as `cursor` for the next). Admins list any user's with `user_id`; a user naming someone else gets 404.",
    query: listRecordsQuery,
    status: 200,
    response: recordPage,
  },
  'records.create': {
    method: 'POST',
    path: '/records',
    entry: 'functions/records/create.ts',
    location: (record) => `/records/${record.record_id}`,
    auth: 'user',
    data: 'write',
    errors: [409],
    summary: 'Create your health record of a phone (one per phone per owner)',
    description:
      'Records a name, a date of birth, a height (30-280 cm) and a weight (1-650 kg) for a 10-digit phone number. The phone is stored only as a keyed hash, never in clear, and is not answered back. One record per phone per owner: a second answers 409.',
    body: createRecordBody,
    status: 201,
    response: record,
  },
  'records.get': {
    method: 'GET',
    path: '/records/{id}',
    entry: 'functions/records/get.ts',
    auth: 'user',
    data: 'read',
    summary: 'Read a record (its owner or an admin)',
    description:
      "The record's owner or an admin reads it; to anyone else it does not exist (404). Record ids come from the answers of create, list and lookup.",
    params: recordIdParams,
    status: 200,
    response: record,
  },
  'records.lookup': {
    method: 'POST',
    path: '/records/lookup',
    entry: 'functions/records/lookup.ts',
    auth: 'user',
    data: 'write',
    summary: "The records of a phone you may see: your own; every owner's for admins (rate-limited per user)",
    description:
      "Finds records by phone number, sent in the body so that it stays out of URLs and logs. Users see their own record of that phone; admins see every owner's. Lookups are limited per user per hour: 429 with Retry-After past the limit.",
    body: phoneBody,
    query: lookupQuery,
    status: 200,
    response: recordPage,
  },
  'records.delete': {
    method: 'DELETE',
    path: '/records/{id}',
    entry: 'functions/records/delete.ts',
    auth: 'user',
    data: 'write',
    summary: 'Delete a record (its owner or an admin)',
    description: "The record's owner or an admin deletes it; to anyone else it does not exist (404).",
    params: recordIdParams,
    status: 204,
  },
  'records.deleteByPhone': {
    method: 'POST',
    path: '/records/delete',
    entry: 'functions/records/delete-by-phone.ts',
    auth: 'user',
    data: 'write',
    errors: [404],
    summary: "Delete your record of a phone (admins: every owner's)",
    description:
      "Deletes your record of the phone number in the body (sent in the body so that it stays out of URLs and logs); admins delete every owner's record of it. 404 when there is none.",
    body: phoneBody,
    status: 204,
  },

  'docs.openapi': {
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/docs/openapi.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: 'This OpenAPI 3.1 document',
    description:
      "The OpenAPI 3.1 description of this API, generated from the route table and the validation schemas, with this deployment's address as its server. Needs no API key.",
    status: 200,
  },
  'docs.ui': {
    method: 'GET',
    path: '/docs',
    entry: 'functions/docs/ui.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    staticFiles: ['docs.html'],
    produces: ['text/html'],
    summary: 'Swagger UI over the OpenAPI document',
    description: 'Swagger UI, served from this origin under a strict Content-Security-Policy, to read this document and try the routes. Needs no API key.',
    status: 200,
  },
  'docs.apidocs': {
    method: 'GET',
    path: '/apidocs',
    entry: 'functions/docs/apidocs.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: "Seed 001's address for the docs: redirects to /docs",
    description: "The documentation's address in the service this API replaces: a 302 redirect to /docs.",
    status: 302,
  },
  'web.console': {
    method: 'GET',
    path: '/',
    entry: 'functions/web/console.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    staticFiles: ['console.html'],
    consoleApiKey: true,
    produces: ['text/html'],
    summary: 'The web console',
    description: "The browser console of this API: sign up, sign in and work with your data. Needs no API key: the page carries the console's own key.",
    status: 200,
  },
  'web.asset': {
    method: 'GET',
    path: '/assets/{file}',
    entry: 'functions/web/asset.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    staticFiles: ASSETS,
    produces: ['text/javascript', 'text/css'],
    errors: [404],
    summary: 'Scripts and styles of the console and the docs',
    description: 'The scripts and styles of the console and of the documentation pages, by file name; any other name answers 404.',
    params: assetParams,
    status: 200,
  },
} as const satisfies Record<string, RouteDef>;

export type RouteId = keyof typeof routes;
