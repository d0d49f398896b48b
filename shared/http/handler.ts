/**
 * The one handler factory. Every route is `defineHandler(routes[id], async (req) => value)`:
 * headers normalised, JSON body read, body/params/query validated with the route's zod schemas,
 * caller authenticated, the value serialised with the route's status, security and CORS headers
 * added, errors turned into problem+json, and one log line written per request.
 */
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { ConfigurationError, env } from '../config/index.ts';
import { readOnly } from '../db/client.ts';
import { isTransientDbError } from '../db/errors.ts';
import type { VersionCondition } from '../domain/versions.ts';
import { DomainError } from '../errors.ts';
import { stringify } from '../json-text.ts';
import type { RouteDef } from '../routes.ts';
import { type Authentication, authenticate, type Caller } from './auth.ts';
import { readJsonBody } from './body.ts';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from './cors.ts';
import { conditionOf, etagOf } from './etag.ts';
import { logger } from './log.ts';
import { pathParametersOf } from './path-parameters.ts';
import { PROBLEM_CONTENT_TYPE, type ProblemBody, problemBody, problemOf } from './problem.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { parsePart } from './validate.ts';

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
 * sent as it is (HTML, scripts, styles). ETag and Location come from the route (routes.ts), not here.
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
type Request = middy.Request<Event, Result, Error, Context, { startedAt: number }>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}, type = 'application/json'): Result => ({
  statusCode: status,
  headers: { ...(body === undefined ? {} : { 'content-type': type }), ...headers },
  body: body === undefined ? '' : stringify(body),
});

function toProblem(error: unknown): Result {
  if (error instanceof DomainError) {
    const { status, body, headers } = problemOf(error);
    return json(status, body, headers, PROBLEM_CONTENT_TYPE);
  }
  // A deployment fault (a missing setting, an unreachable secret) is a 500, even when a socket error caused it.
  if (isTransientDbError(error) && !(error instanceof ConfigurationError)) {
    logger.warn('database unavailable', { error_name: (error as Error).name });
    return json(503, problemBody(503, 'The service is temporarily unavailable; retry later.'), { 'retry-after': '1' }, PROBLEM_CONTENT_TYPE);
  }
  // Unknown failure: log the error (never the request), answer without internals.
  logger.error('unhandled error', error as Error);
  return json(500, problemBody(500, 'An unexpected error occurred.'), {}, PROBLEM_CONTENT_TYPE);
}

/** A problem's title and detail, one line. */
function problemReason(body: string): string | undefined {
  try {
    const { title, detail } = JSON.parse(body) as Partial<ProblemBody>;
    return [title, detail].filter(Boolean).join(': ') || undefined;
  } catch {
    return undefined;
  }
}

/** Outermost middleware: timing, security headers and the access log line, for successes and errors alike. */
const observe = (): middy.MiddlewareObj<Event, Result> => {
  const finish = (request: Request) => {
    // biome-ignore lint/style/noNonNullAssertion: after runs once the handler has answered, and onError sets the answer before calling finish
    const response = request.response!;
    response.headers = { ...SECURITY_HEADERS, ...response.headers, 'x-request-id': request.event.requestContext?.requestId ?? '' };
    // A refused request is a warning with its reason: what the client was told, never what it sent.
    const refused = response.statusCode >= 400 && response.statusCode < 500;
    (refused ? logger.warn : logger.info)('request', {
      request_id: request.event.requestContext?.requestId,
      route: `${request.event.httpMethod} ${request.event.resource}`,
      status: response.statusCode,
      latency_ms: Date.now() - request.internal.startedAt,
      caller_id: authentications.get(request.event)?.caller?.id,
      ...(refused && { reason: problemReason(response.body) }),
    });
  };
  return {
    before: (request) => {
      (request as Request).internal.startedAt = Date.now();
    },
    after: (request) => finish(request as Request),
    onError: (request) => {
      request.response ??= toProblem(request.error);
      finish(request as Request);
    },
  };
};

/** Errors become problem+json inside the CORS middleware, so a browser can read them cross-origin too. */
const problems = (): middy.MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    request.response = toProblem(request.error);
  },
});

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
function baseUrlOf(event: Event): string {
  const proto = event.headers?.['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  const claimed = event.headers?.host;
  const host = claimed && HOST.test(claimed) ? claimed : (event.requestContext?.domainName ?? 'localhost');
  return `${proto}://${host}${basePathOf(event)}`;
}

/**
 * The headers a route declares for its answers: the resource's version as ETag, and where a created
 * resource lives as Location. A client resolves Location against the URL it called, so the stage
 * prefix goes in front of the path or the link misses the stage.
 */
function declaredHeaders(route: RouteDef, status: number, body: unknown, event: Event): Record<string, string> {
  const version = (body as { version?: unknown } | undefined)?.version;
  return {
    ...(route.etag && typeof version === 'number' && { etag: etagOf(version) }),
    ...(status === 201 && route.location && { location: basePathOf(event) + route.location(body) }),
  };
}

/** Each in-flight request's authentication, for the handler and the log line (the module serves concurrent requests). */
const authentications = new WeakMap<Event, Authentication>();

/**
 * Authentication runs before the body is read: an anonymous caller learns nothing about validation.
 * A route that writes waits for the session check before it runs; a read route whose client cannot
 * write (shared/db/client.ts) runs alongside it, and its answer is only released once the session is
 * known to be open.
 */
const authenticateCaller = (route: RouteDef): middy.MiddlewareObj<Event, Result> => ({
  before: async ({ event }) => {
    const authentication = await authenticate(route.auth, event.headers?.authorization);
    authentications.set(event, authentication);
    if (route.data !== 'read') await authentication.sessionOpen;
  },
});

export function defineHandler<R extends RouteDef>(route: R, handle: (request: HttpRequest<R>) => Promise<unknown>) {
  const chain = middy<Event, Result, Error, Context>().use(observe()).use(httpHeaderNormalizer());
  if (env.corsOrigins.length > 0) {
    chain.use(httpCors({ origins: env.corsOrigins, headers: CORS_ALLOWED_HEADERS, exposeHeaders: CORS_EXPOSED_HEADERS }));
  }
  chain.use(problems()).use(authenticateCaller(route));
  return chain.handler(async (event) => {
    const authentication = authentications.get(event);
    if (!authentication) throw new Error('The handler ran without authenticateCaller, which runs before it');
    const { caller, sessionOpen } = authentication;
    const honoured = (name: 'if-match' | 'if-none-match') => (route.honours?.includes(name) ? event.headers?.[name] : undefined);
    const run = async () => {
      // Read after authentication: an anonymous caller learns nothing about validation.
      const json = route.body ? readJsonBody(event, route.maxBodyBytes) : undefined;
      return handle({
        body: route.body && parsePart('body', route.body(), json?.value),
        bodyText: json?.text,
        params: route.params && parsePart('params', route.params(), pathParametersOf(event)),
        query: route.query && parsePart('query', route.query(), event.queryStringParameters ?? {}),
        caller,
        header: (name: string) => event.headers?.[name],
        condition: conditionOf(honoured('if-match'), honoured('if-none-match')),
        baseUrl: baseUrlOf(event),
        sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
      } as HttpRequest<R>);
    };
    const [result, session] = await Promise.allSettled([route.data === 'read' ? readOnly(run) : run(), sessionOpen]);
    if (session.status === 'rejected') throw session.reason; // a closed session wins over any answer
    if (result.status === 'rejected') throw result.reason;
    const answer = result.value instanceof Reply ? result.value : new Reply(route.status === 204 ? undefined : result.value);
    const status = answer.options.status ?? route.status;
    const headers = answer.options.headers ?? {};
    if (headers['content-type']) return { statusCode: status, headers, body: String(answer.body) };
    return json(status, answer.body, { ...declaredHeaders(route, status, answer.body, event), ...headers });
  });
}
