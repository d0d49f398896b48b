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

/** PUT and PATCH /users/{id}: one handler, one behaviour, two methods. */
const userUpdate = {
  path: '/users/{id}',
  entry: 'functions/users/update.ts',
  etag: true,
  honours: ['if-match'],
  auth: 'user',
  bcrypt: true,
  data: 'write',
  errors: [409],
  params: userIdParams,
  body: updateUserBody,
  status: 200,
  response: user,
} satisfies Partial<RouteDef>;

export const routes = {
  'health.get': {
    method: 'GET',
    path: '/health',
    entry: 'functions/health/get.ts',
    auth: 'none',
    apiKey: false,
    data: 'none',
    summary: 'Liveness check',
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
    params: userIdParams,
    status: 200,
    response: user,
  },
  'users.update': {
    ...userUpdate,
    method: 'PUT',
    summary: 'Partially update a user (If-Match for optimistic locking; your own email or password: current_password too)',
  },
  'users.patch': {
    ...userUpdate,
    method: 'PATCH',
    summary: 'Same as PUT: partial update',
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
    params: assetParams,
    status: 200,
  },
} as const satisfies Record<string, RouteDef>;

export type RouteId = keyof typeof routes;
