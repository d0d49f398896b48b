/**
 * THE route table. The CDK stack, the local gateway, the OpenAPI document and the tests all read it;
 * each handler binds itself to its entry here. Auth levels: `none` (API key only), `user` (any signed-in
 * account), `admin`. `apiKey: false` marks the routes the usage plan does not cover.
 */
import * as z from 'zod/mini';
import { authSchemas } from './schemas/auth.ts';
import { lazy } from './schemas/common.ts';
import { kvSchemas } from './schemas/kv.ts';
import { meSchemas } from './schemas/me.ts';
import { paymentSchemas } from './schemas/payments.ts';
import { recordSchemas } from './schemas/records.ts';
import { userSchemas } from './schemas/users.ts';
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
  /** A realistic request body for the docs (the seeds' samples where they fit). */
  example?: unknown;
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
const assetParams = lazy(() => z.strictObject({ file: z.string() }));

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
    example: { email: 'jane@example.com', password: 'Str0ng!Passw0rd', name: 'Jane Doe', username: 'jane_doe', gender: 'Female' },
    summary: 'Create an account and sign in',
    body: () => userSchemas().registerBody,
    status: 201,
    response: () => authSchemas().session,
  },
  'auth.login': {
    method: 'POST',
    path: '/auth/login',
    entry: 'functions/auth/login.ts',
    auth: 'none',
    bcrypt: true,
    data: 'write',
    errors: [401],
    example: { email: 'jane@example.com', password: 'Str0ng!Passw0rd' },
    summary: 'Sign in with email or username and password',
    body: () => authSchemas().loginBody,
    status: 200,
    response: () => authSchemas().session,
  },
  'auth.token': {
    method: 'POST',
    path: '/auth/token',
    entry: 'functions/auth/token.ts',
    auth: 'none',
    data: 'write',
    errors: [401],
    summary: 'Exchange a refresh token for a new token pair',
    body: () => authSchemas().refreshBody,
    status: 200,
    response: () => authSchemas().tokens,
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
    response: () => userSchemas().user,
  },
  'me.export': {
    method: 'GET',
    path: '/me/export',
    entry: 'functions/me/export.ts',
    auth: 'user',
    data: 'read',
    summary: 'Everything the API holds about you: profile, key-value entries, payments (masked), records, open sessions',
    status: 200,
    response: () => meSchemas().accountExport,
  },
  'me.sessions': {
    method: 'GET',
    path: '/me/sessions',
    entry: 'functions/me/sessions.ts',
    auth: 'user',
    data: 'read',
    summary: 'Your open sessions (signed-in devices); `current` marks the one you are using',
    query: () => meSchemas().listSessionsQuery,
    status: 200,
    response: () => meSchemas().sessionPage,
  },
  'me.endSession': {
    method: 'DELETE',
    path: '/me/sessions/{id}',
    entry: 'functions/me/end-session.ts',
    auth: 'user',
    data: 'write',
    summary: 'Sign one of your sessions out: its access and refresh tokens stop working',
    params: () => meSchemas().sessionIdParams,
    status: 204,
  },

  'users.list': {
    method: 'GET',
    path: '/users',
    entry: 'functions/users/list.ts',
    auth: 'admin',
    data: 'read',
    summary: 'List users, newest first',
    query: () => userSchemas().listUsersQuery,
    status: 200,
    response: () => userSchemas().userPage,
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
    example: { name: 'John Doe', email: 'john@example.com', phone: '1234567890', country: 'India' },
    summary: 'Create a user',
    body: () => userSchemas().createUserBody,
    status: 201,
    response: () => userSchemas().user,
  },
  'users.get': {
    method: 'GET',
    path: '/users/{id}',
    entry: 'functions/users/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: 'Read a user (admin, or the user themself)',
    params: () => userSchemas().userIdParams,
    status: 200,
    response: () => userSchemas().user,
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
    example: { address: '456 Another St, New City' },
    summary: 'Partially update a user (If-Match for optimistic locking; your own email or password: current_password too)',
    params: () => userSchemas().userIdParams,
    body: () => userSchemas().updateUserBody,
    status: 200,
    response: () => userSchemas().user,
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
    example: { name: 'Mario Mario' },
    summary: 'Same as PUT: partial update',
    params: () => userSchemas().userIdParams,
    body: () => userSchemas().updateUserBody,
    status: 200,
    response: () => userSchemas().user,
  },
  'users.delete': {
    method: 'DELETE',
    path: '/users/{id}',
    entry: 'functions/users/delete.ts',
    honours: ['if-match'],
    auth: 'user',
    bcrypt: true,
    data: 'write',
    example: { current_password: 'Str0ng!Passw0rd' },
    summary: 'Delete a user with their sessions and uniqueness markers (deleting yourself: current_password in the body)',
    params: () => userSchemas().userIdParams,
    body: () => userSchemas().deleteUserBody,
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
    query: () => paymentSchemas().listPaymentsQuery,
    status: 200,
    response: () => paymentSchemas().paymentPage,
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
    example: {
      amount: 500.0,
      payment_method: 'Credit Card',
      card_no: '4111111111111111',
      card_expiry: '2030-12-01',
      card_cvc: '123',
      status: 'completed',
      currency: 'INR',
      description: 'Payment for services',
    },
    summary: 'Create a payment (Idempotency-Key supported)',
    body: () => paymentSchemas().createPaymentBody,
    status: 201,
    response: () => paymentSchemas().payment,
  },
  'payments.get': {
    method: 'GET',
    path: '/payments/{id}',
    entry: 'functions/payments/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: 'Read a payment (the owner or an admin)',
    params: () => paymentSchemas().paymentIdParams,
    status: 200,
    response: () => paymentSchemas().payment,
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
    example: { status: 'refunded' },
    summary: 'Update a payment: status forward only; amount, currency and card while pending',
    params: () => paymentSchemas().paymentIdParams,
    body: () => paymentSchemas().updatePaymentBody,
    status: 200,
    response: () => paymentSchemas().payment,
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
    params: () => paymentSchemas().paymentIdParams,
    status: 204,
  },

  'kv.list': {
    method: 'GET',
    path: '/kv',
    entry: 'functions/kv/list.ts',
    auth: 'user',
    data: 'read',
    summary: 'List your keys in key order (optionally by prefix)',
    query: () => kvSchemas().listKvQuery,
    status: 200,
    response: () => kvSchemas().kvPage,
  },
  'kv.get': {
    method: 'GET',
    path: '/kv/{key}',
    entry: 'functions/kv/get.ts',
    etag: true,
    auth: 'user',
    data: 'read',
    summary: 'Read a value',
    params: () => kvSchemas().kvParams,
    status: 200,
    response: () => kvSchemas().kvEntry,
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
    example: { mode: 'dark', accent: '#3366ff' },
    summary: 'Create (201) or replace (200) a value; If-None-Match: * creates only, If-Match compares and swaps',
    params: () => kvSchemas().kvParams,
    body: () => kvSchemas().kvValue,
    maxBodyBytes: 512 * 1024,
    status: 200,
    response: () => kvSchemas().kvEntry,
  },
  'kv.delete': {
    method: 'DELETE',
    path: '/kv/{key}',
    entry: 'functions/kv/delete.ts',
    honours: ['if-match'],
    auth: 'user',
    data: 'write',
    summary: 'Delete a value (If-Match honoured)',
    params: () => kvSchemas().kvParams,
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
    query: () => recordSchemas().listRecordsQuery,
    status: 200,
    response: () => recordSchemas().recordPage,
  },
  'records.create': {
    method: 'POST',
    path: '/records',
    entry: 'functions/records/create.ts',
    location: (record) => `/records/${record.record_id}`,
    auth: 'user',
    data: 'write',
    errors: [409],
    example: { name: 'John Doe', phone: '9876543210', dob: '1990-01-01', height: '175', weight: '70' },
    summary: 'Create your health record of a phone (one per phone per owner)',
    body: () => recordSchemas().createRecordBody,
    status: 201,
    response: () => recordSchemas().record,
  },
  'records.get': {
    method: 'GET',
    path: '/records/{id}',
    entry: 'functions/records/get.ts',
    auth: 'user',
    data: 'read',
    summary: 'Read a record (its owner or an admin)',
    params: () => recordSchemas().recordIdParams,
    status: 200,
    response: () => recordSchemas().record,
  },
  'records.lookup': {
    method: 'POST',
    path: '/records/lookup',
    entry: 'functions/records/lookup.ts',
    auth: 'user',
    data: 'write',
    example: { phone: '9876543210' },
    summary: "The records of a phone you may see: your own; every owner's for admins (rate-limited per user)",
    body: () => recordSchemas().phoneBody,
    query: () => recordSchemas().lookupQuery,
    status: 200,
    response: () => recordSchemas().recordPage,
  },
  'records.delete': {
    method: 'DELETE',
    path: '/records/{id}',
    entry: 'functions/records/delete.ts',
    auth: 'user',
    data: 'write',
    summary: 'Delete a record (its owner or an admin)',
    params: () => recordSchemas().recordIdParams,
    status: 204,
  },
  'records.deleteByPhone': {
    method: 'POST',
    path: '/records/delete',
    entry: 'functions/records/delete-by-phone.ts',
    auth: 'user',
    data: 'write',
    errors: [404],
    example: { phone: '9876543210' },
    summary: "Delete your record of a phone (admins: every owner's)",
    body: () => recordSchemas().phoneBody,
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
    staticFiles: ['console.js', 'console.css', 'docs.js', 'swagger-ui-bundle.js', 'swagger-ui.css'],
    produces: ['text/javascript', 'text/css'],
    errors: [404],
    summary: 'Scripts and styles of the console and the docs',
    params: assetParams,
    status: 200,
  },
} as const satisfies Record<string, RouteDef>;

export type RouteId = keyof typeof routes;
