/**
 * The request pipeline, the one handler factory's body: every request of every route takes the same
 * steps, in this order, in `pipeline` below:
 *
 *   1. headers lower-cased;
 *   2. admission: who the caller is (handler.ts: the bearer token verified, 401 or 403 for a role,
 *      and the session check started; open-handler.ts: nobody, for routes anyone may call that never
 *      touch the table);
 *   3. the route's work, as admission orders it (handler.ts: a read route's alongside the session
 *      check, inside readOnly; any other's once the session is open): the JSON body read (413, 415,
 *      400), the body, path and query parsed with the route's schemas (400), then the handler;
 *   4. the answer: the route's status, its ETag and Location (the route declaration), or the handler's Reply;
 *   5. any error thrown by any step becomes problem+json in problem.ts: the one exit for errors;
 *   6. the security headers and CORS on every answer, and one log line.
 *
 * Why a small composition of our own rather than Middy: the one step that is not a straight line,
 * a read route's work running alongside the session check with its answer held until the check
 * passes, does not fit Middy's before/after/onError middlewares (the last version split it over a
 * middleware, the handler and prose); one error exit is one try/catch here, where with Middy it was
 * the order of onError handlers (problems inside CORS, outside the log); and what Middy's middlewares
 * did for us (lower-casing headers, CORS for a fixed list of origins) is a few lines, while
 * @middy/core, http-cors and http-header-normalizer no longer load in every function's cold start.
 * Admission is the one step that differs between routes, so it is a parameter: the routes that never
 * touch the table get open-handler.ts, and their functions bundle no DynamoDB client, session check or jose.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { env } from '../config/index.ts';
import type { Caller } from '../domain/user.ts';
import type { VersionCondition } from '../domain/versions.ts';
import { InvalidInput } from '../errors.ts';
import { stringify } from '../json-text.ts';
import { once } from '../memo.ts';
import type { RouteDef } from '../routes/route.ts';
import { readJsonBody } from './body.ts';
import { corsHeaders } from './cors.ts';
import { conditionOf, etagOf } from './etag.ts';
import { logger } from './log.ts';
import { pathParametersOf } from './path-parameters.ts';
import { PROBLEM_CONTENT_TYPE, type Problem, problemOf } from './problem.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { listed, parsePart } from './validate.ts';

type Parsed<S> = S extends () => infer T ? (T extends z.ZodMiniType ? z.output<T> : undefined) : undefined;

export interface HttpRequest<R extends RouteDef> {
  body: Parsed<R['body']>;
  /** The body's JSON text as sent (surrounding whitespace trimmed), for values kept exactly. */
  bodyText: string | undefined;
  params: Parsed<R['params']>;
  query: Parsed<R['query']>;
  caller: R['auth'] extends 'none' ? undefined : Caller;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** If-Match and If-None-Match, where the route honours them: what the client expects of the version. */
  condition: VersionCondition;
  /** The API's base URL as the client sees it (scheme, host and any stage prefix), no trailing slash. */
  baseUrl: string;
  /** The client's address as API Gateway saw the connection (not X-Forwarded-For, which the client writes). */
  sourceIp: string;
}

/**
 * An answer with a status or headers of its own. With a `content-type` header, the body is a string
 * sent as it is (HTML, scripts, styles). ETag and Location come from the route, not here.
 */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly options: { status?: number; headers?: Record<string, string> } = {},
  ) {}
}

/** A 201 for a route that answers 201 when it creates and 200 when it replaces. */
export const created = (body: unknown, headers?: Record<string, string>) => new Reply(body, { status: 201, headers });

type Event = APIGatewayProxyEvent;
type Result = APIGatewayProxyResult;
type Headers = Record<string, string | undefined>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}, type = 'application/json'): Result => ({
  statusCode: status,
  headers: { ...(body === undefined ? {} : { 'content-type': type }), ...headers },
  body: body === undefined ? '' : stringify(body),
});

const lowerCased = (headers: Event['headers'] | null | undefined): Headers =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));

/** The stage prefix API Gateway's default endpoint puts in front of every path (`/prod`); empty elsewhere. */
function basePathOf(event: Event): string {
  const fullPath = event.requestContext?.path ?? event.path;
  return fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
}

/** A Host header that is a host name or address with an optional port, and nothing else. */
const HOST = /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

/**
 * Scheme and host from the client's side, plus the stage prefix. The Host header is the client's
 * to choose (API Gateway checks it; a local server does not), so anything but a host name is ignored.
 */
function baseUrlOf(event: Event, headers: Headers): string {
  const proto = headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  const claimed = headers.host;
  const host = claimed && HOST.test(claimed) ? claimed : (event.requestContext?.domainName ?? 'localhost');
  return `${proto}://${host}${basePathOf(event)}`;
}

/**
 * The query as the route reads it: each parameter once (API Gateway keeps only the last of a
 * repeated one, which a client may not mean), and none at all on an API route that declares none
 * (the pages, `apiKey: false`, ignore theirs as web pages do). 400 naming each parameter otherwise.
 */
function queryOf(route: RouteDef, event: Event): Record<string, string | undefined> | undefined {
  const repeated = Object.entries(event.multiValueQueryStringParameters ?? {}).flatMap(([name, values]) => ((values?.length ?? 0) > 1 ? [name] : []));
  if (repeated.length > 0) {
    throw new InvalidInput(
      `Send each query parameter once: ${listed(repeated)}.`,
      repeated.map((name) => ({ path: `query.${name}`, message: 'Send this parameter once' })),
    );
  }
  const query = event.queryStringParameters ?? {};
  const names = Object.keys(query);
  if (!route.query && route.apiKey !== false && names.length > 0) {
    throw new InvalidInput(
      `Unknown field(s): ${listed(names)}.`,
      names.map((name) => ({ path: `query.${name}`, message: 'Unknown field' })),
    );
  }
  return query;
}

/** A route's request schemas, built once, on its first request (shared/schemas/common.ts says why). */
type RequestSchemas = { body?: z.ZodMiniType; params?: z.ZodMiniType; query?: z.ZodMiniType };

/** The request as the route reads it; parsing it throws InvalidInput (400), TooLarge (413) or UnsupportedMediaType (415). */
function parseRequest<R extends RouteDef>(route: R, schemas: RequestSchemas, event: Event, headers: Headers, caller: Caller | undefined): HttpRequest<R> {
  const honoured = (name: 'if-match' | 'if-none-match') => (route.honours?.includes(name) ? headers[name] : undefined);
  const json = schemas.body ? readJsonBody({ ...event, headers: headers as Event['headers'] }, route.maxBodyBytes) : undefined;
  const query = queryOf(route, event);
  return {
    body: schemas.body && parsePart('body', schemas.body, json?.value),
    bodyText: json?.text,
    params: schemas.params && parsePart('params', schemas.params, pathParametersOf(event)),
    query: schemas.query && parsePart('query', schemas.query, query),
    caller,
    header: (name: string) => headers[name],
    condition: conditionOf(honoured('if-match'), honoured('if-none-match')),
    baseUrl: baseUrlOf(event, headers),
    sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
  } as HttpRequest<R>;
}

/** Who is asking, and when the route's work may run (see handler.ts and open-handler.ts). */
export interface Admission {
  caller: Caller | undefined;
  run<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * The answer to the handler's value: the route's status (or the Reply's), and the headers the route
 * declares: the resource's version as ETag, and where a created resource lives as Location (a client
 * resolves it against the URL it called, so the stage prefix goes in front).
 */
function answer(route: RouteDef, event: Event, value: unknown): Result {
  const reply = value instanceof Reply ? value : new Reply(route.status === 204 ? undefined : value);
  const status = reply.options.status ?? route.status;
  const headers = reply.options.headers ?? {};
  if (headers['content-type']) return { statusCode: status, headers, body: String(reply.body) };
  const version = (reply.body as { version?: unknown } | undefined)?.version;
  return json(status, reply.body, {
    ...(route.etag && typeof version === 'number' && { etag: etagOf(version) }),
    ...(status === 201 && route.location && { location: basePathOf(event) + route.location(reply.body) }),
    ...headers,
  });
}

const problemAnswer = ({ status, body, headers }: Problem): Result => json(status, body, headers, PROBLEM_CONTENT_TYPE);

export function pipeline<R extends RouteDef>(
  route: R,
  handle: (request: HttpRequest<R>) => Promise<unknown>,
  admit: (authorization: string | undefined) => Promise<Admission>,
) {
  const allowedOrigins = env.corsOrigins;
  const schemas = once((): RequestSchemas => ({ body: route.body?.(), params: route.params?.(), query: route.query?.() }));
  return async (event: Event, _context?: Context): Promise<Result> => {
    const startedAt = Date.now();
    const headers = lowerCased(event.headers);
    let caller: Caller | undefined;
    let result: Result;
    let refusal: Problem | undefined;
    try {
      // Admission comes first: an anonymous caller learns nothing about validation.
      const admission = await admit(headers.authorization);
      caller = admission.caller;
      result = answer(route, event, await admission.run(async () => handle(parseRequest(route, schemas(), event, headers, caller))));
    } catch (error) {
      refusal = problemOf(error);
      result = problemAnswer(refusal);
    }
    result.headers = {
      ...SECURITY_HEADERS,
      ...result.headers,
      ...corsHeaders(allowedOrigins, headers.origin),
      'x-request-id': event.requestContext?.requestId ?? '',
    };
    // A refused request is a warning with its reason: what the client was told, never what it sent.
    const refused = result.statusCode >= 400 && result.statusCode < 500;
    (refused ? logger.warn : logger.info)('request', {
      request_id: event.requestContext?.requestId,
      route: `${event.httpMethod} ${event.resource}`,
      status: result.statusCode,
      latency_ms: Date.now() - startedAt,
      caller_id: caller?.id,
      ...(refused && refusal && { reason: [refusal.body.title, refusal.body.detail].filter(Boolean).join(': ') }),
    });
    return result;
  };
}
