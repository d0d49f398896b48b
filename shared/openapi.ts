/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas: nothing to keep in
 * sync by hand. Error responses follow from what each route does (see errorStatuses).
 */
import type { FieldError } from './errors.ts';
import { MAX_BODY_BYTES } from './http/body.ts';
import { MAX_FIELD_ERRORS, problemBody } from './http/problem.ts';
import { once } from './memo.ts';
import { type RouteDef, type RouteId, routes } from './routes.ts';
import { jsonSchemaOf } from './schemas/json-schema.ts';

type Json = Record<string, unknown>;

const problem: Json = {
  type: 'object',
  description: 'An RFC 9457 problem: what went wrong, in plain words',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri', description: '`about:blank`: the status says what kind of problem it is' },
    title: { type: 'string', description: "The status's name" },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong and what to do about it' },
    errors: {
      type: 'array',
      description: `With a 400 (and some 403, 409 and 422): each bad field of the request, the first ${MAX_FIELD_ERRORS} of them`,
      maxItems: MAX_FIELD_ERRORS,
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: {
            type: 'string',
            pattern: '^(body|params|query|headers)(\\.|$)',
            description: 'Where: `body.email`, `query.limit`, `headers.idempotency-key` …',
          },
          message: { type: 'string', description: 'What is wrong with it' },
        },
      },
    },
    errors_truncated: { type: 'integer', minimum: 1, description: `How many more bad fields there were than the ${MAX_FIELD_ERRORS} listed` },
  },
};

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: the rest happens by mail',
  204: 'No Content',
  302: 'Found (redirect)',
  400: 'Invalid request (each bad field in `errors`)',
  401: 'Missing, invalid, expired or revoked credentials',
  403: 'Missing or wrong API key, or a role that does not allow this',
  404: 'No such resource (or not yours)',
  409: 'Conflict with the current state',
  412: 'If-Match / If-None-Match precondition failed',
  413: 'Request body too large',
  415: 'Body is not application/json',
  422: 'Well-formed but unprocessable',
  429: 'Too many requests; see Retry-After',
  500: 'Unexpected error',
  503: 'Temporarily unavailable; see Retry-After',
};

/** The statuses a route can answer besides its success: from what it does, plus its own `errors`. */
export function errorStatuses(route: RouteDef): number[] {
  // 429: the per-address limit and the stage throttle apply to every route.
  const statuses = new Set<number>([429, 500, ...(route.errors ?? [])]);
  if (route.honours?.some((h) => h === 'if-match' || h === 'if-none-match')) statuses.add(412);
  if (route.apiKey !== false) statuses.add(403);
  if (route.auth !== 'none') statuses.add(401);
  if (route.auth === 'admin') statuses.add(403);
  // An API route refuses any query parameter it does not declare (shared/http/pipeline.ts): every one can answer 400.
  if (route.body || route.params || route.query || route.apiKey !== false) statuses.add(400);
  if (route.body) for (const status of [413, 415]) statuses.add(status);
  if (route.params && route.data !== 'none') statuses.add(404);
  if (route.data !== 'none') statuses.add(503);
  return [...statuses].sort();
}

const headerParam = (name: string, description: string, example: string, schema: Json = {}): Json => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: { type: 'string', ...schema },
  example,
});

function parameters(route: RouteDef): Json[] {
  const fromSchema = (where: 'path' | 'query', schema: RouteDef['params']) => {
    if (!schema) return [];
    const json = jsonSchemaOf(schema()) as { properties?: Record<string, Json>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      schema,
    }));
  };
  // Any If-Match is accepted: a tag that names no version of the resource fails with 412, not 400.
  const described = {
    'if-match': headerParam('If-Match', 'The ETag you read (or several, comma-separated): the write fails with 412 if the resource has changed since', '"3"'),
    'if-none-match': headerParam('If-None-Match', '`*` to create only (412 if it exists); any other value answers 400', '*', { enum: ['*'] }),
    'idempotency-key': headerParam('Idempotency-Key', 'Retries with the same key and body replay the first response for 24 hours', 'order-1042-attempt', {
      minLength: 1,
      maxLength: 255,
      pattern: '^[!-~]+$',
    }),
  };

  const headers = (route.honours ?? []).map((name) => described[name]);
  return [...fromSchema('path', route.params), ...fromSchema('query', route.query), ...headers];
}

/** A typical problem of each status, in the API's own words. */
function problemExample(route: RouteDef, status: number) {
  const details: Record<number, [string, FieldError[]?]> = {
    400: ['The request body is invalid: email.', [{ path: 'body.email', message: 'Invalid email address' }]],
    401: ['A valid bearer token is required.'],
    403: [route.auth === 'admin' ? 'Your role does not allow this operation.' : 'A valid API key is required in the x-api-key header.'],
    404: ['No such resource.'],
    409: ["The request conflicts with the resource's current state."],
    412: ['The resource has changed since you read it (If-Match is stale).'],
    413: [`The request body exceeds ${route.maxBodyBytes ?? MAX_BODY_BYTES} bytes.`],
    415: ['Send the body as application/json.'],
    422: ['This Idempotency-Key was used with a different request body.'],
    429: ['Too many requests; retry later.'],
    500: ['An unexpected error occurred.'],
    503: ['The service is temporarily unavailable; retry later.'],
    504: ['The service did not answer in time; retry later.'],
  };
  const [detail = 'The request failed.', errors] = details[status] ?? [];
  return problemBody(status, detail, errors);
}

const problemContent = (example: object) => ({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, example } });

/** Bodies that are not JSON: the console's and the docs' pages, scripts and styles. */
const TEXT_EXAMPLES: Record<string, string> = {
  'text/html': '<!doctype html>\n<html lang="en">…</html>',
  'text/javascript': "'use strict';\n…",
  'text/css': ':root {\n  color-scheme: light dark;\n}\n…',
};

function responses(route: RouteDef): Json {
  const headers: Json = {};
  if (route.etag) headers.ETag = { schema: { type: 'string', pattern: '^"[1-9][0-9]*"$' }, description: 'Version of the resource, for If-Match' };
  // Relative references (RFC 9110 allows them in Location), from the API's root: hence uri-reference, not uri.
  if (route.location)
    headers.Location = { schema: { type: 'string', format: 'uri-reference' }, description: 'Where the new resource lives, a relative reference (with a 201)' };
  if (route.status === 302)
    headers.Location = { schema: { type: 'string', format: 'uri-reference' }, description: 'Where to go instead, a relative reference' };
  const example = route.responseExample;
  const content = route.produces
    ? Object.fromEntries(route.produces.map((type) => [type, { schema: { type: 'string' }, example: TEXT_EXAMPLES[type] }]))
    : route.status === 204 || route.status === 302
      ? undefined
      : { 'application/json': { schema: route.response ? jsonSchemaOf(route.response(), 'output') : { type: 'object' }, example } };
  const success: Json = {
    description: route.creates ? 'Replaced (201 when created)' : STATUS_TEXT[route.status],
    ...(Object.keys(headers).length && { headers }),
    ...(content && { content }),
  };
  const result: Json = { [route.status]: success };
  if (route.creates) result[201] = { ...success, description: 'Created' };
  for (const status of errorStatuses(route)) {
    result[status] = {
      description: STATUS_TEXT[status],
      content: problemContent(problemExample(route, status)),
      ...((status === 429 || status === 503) && { headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 }, description: 'Seconds to wait' } } }),
    };
  }
  // API Gateway itself can answer any route with its own errors (502 and 504 when a function fails).
  result.default = { description: 'Any other error, such as 502 or 504 from the gateway', content: problemContent(problemExample(route, 504)) };
  return result;
}

/** A route's group in the docs: the first part of its id (`kv.put` → kv). */
const tagOf = (id: string) => id.split('.')[0] ?? id;

const TAGS: Record<string, string> = {
  health: 'Whether the API is up',
  auth: 'Accounts and sessions: sign up, sign in, token refresh, sign out',
  me: "The signed-in account's profile and a copy of all its data",
  passkeys: 'Passkeys (WebAuthn): sign in with one alone, as a second factor, or to confirm a change; register, list, rename, remove',
  users: 'User management: admins manage everyone, users their own account',
  payments: 'Card payments, stored encrypted and answered masked',
  kv: 'A private key-value store of JSON values per user',
  records: 'Health records, found by a phone number that is stored only as a keyed hash',
  docs: 'This document and its Swagger UI',
  web: 'The browser console and its files',
};

const security = (route: RouteDef) => (route.apiKey === false ? [] : route.auth === 'none' ? [{ apiKey: [] }] : [{ apiKey: [], bearerAuth: [] }]);

/** The document's paths, built once per cold start (every route's schemas, converted to JSON Schema). */
const pathsOfRoutes = once(() => {
  const paths: Record<string, Json> = {};
  for (const [id, route] of Object.entries(routes) as [RouteId, RouteDef][]) {
    const operations = paths[route.path] ?? {};
    paths[route.path] = operations;
    operations[route.method.toLowerCase()] = {
      operationId: id,
      summary: route.summary,
      tags: [tagOf(id)],
      security: security(route),
      description: route.description,
      parameters: parameters(route),
      ...(route.body && {
        requestBody: {
          required: !route.body().safeParse(undefined).success,
          content: { 'application/json': { schema: jsonSchemaOf(route.body()), example: route.requestExample } },
        },
      }),
      responses: responses(route),
    };
  }
  return paths;
});

export function openApiDocument(serverUrl: string): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'User-data platform API',
      version: '1.0.0',
      description:
        'Users, accounts with JWT sign-in, payments, a per-user key-value store and phone records. Every route but the docs (/docs, /apidocs, /openapi.json), the console (/ and /assets) and /health needs the client API key in `x-api-key`; signed-in routes also need `Authorization: Bearer <access token>`, which a sign-in gives (/auth/login, /auth/login/mfa, /auth/passkey), as do confirming a sign-up (/auth/verify) and renewing the tokens (/auth/token). Errors are RFC 9457 problem+json, listing at most 20 field errors (`errors_truncated` counts the rest).\n\nParsing is strict, and a request valid per this document is one the API reads: a JSON body in UTF-8 (any other `charset` is a 415, bytes that are not UTF-8 a 400); integer query parameters in decimal digits (`0x10`, `1e1`, `10.0` are 400); each query parameter at most once; any query parameter or body field an operation does not list is a 400 (the console, docs and /health pages ignore query strings); paths match exactly (an empty segment, as in `//me`, matches no route: 404).',
      contact: { name: 'User-data platform maintainers' },
      // The project is not open source (package.json: private, no license): an SPDX reference to its own terms.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: serverUrl }],
    tags: [...new Set(Object.keys(routes).map(tagOf))].map((name) => ({ name, description: TAGS[name] })),
    paths: pathsOfRoutes(),
    components: {
      schemas: { Problem: problem },
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The client API key' },
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'access_token from /auth/login' },
      },
    },
  };
}
