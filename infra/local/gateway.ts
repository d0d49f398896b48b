/**
 * A local API Gateway (REST API, Lambda proxy integration) for the real handlers: it matches the
 * route table, enforces the API key and the usage-plan token bucket, answers gateway errors from the
 * shared gateway-response table, builds REST v1 proxy events as API Gateway does (null vs {} included)
 * and invokes each route's function through the local Lambda service (infra/local/lambda.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { gatewayResponses, usagePlanThrottle, type GatewayResponseType } from '../../shared/http/gateway-responses.ts';
import { CORS_ALLOWED_HEADERS } from '../../shared/http/cors.ts';
import { PROBLEM_CONTENT_TYPE } from '../../shared/http/problem.ts';
import { routes, type RouteDef, type RouteId } from '../../shared/routes.ts';
import type { LocalLambda } from './lambda.ts';

export interface GatewayOptions {
  apiKey: string;
  /** Runs the routes' functions (startLocalLambda); its owner closes it. */
  lambda: Pick<LocalLambda, 'invoke'>;
  stage?: string;
  throttle?: { rateLimit: number; burstLimit: number };
  corsOrigins?: string[];
  /** One line per request; silent when omitted. */
  log?: (line: string) => void;
  /** Sees every event before its handler does (tests check the event shape with it). */
  onEvent?: (event: APIGatewayProxyEvent, routeId: RouteId) => void;
}

interface CompiledRoute {
  id: RouteId;
  def: RouteDef;
  pattern: RegExp;
  names: string[];
}

function compile(): CompiledRoute[] {
  return Object.entries(routes).map(([id, def]) => {
    const names: string[] = [];
    const source = def.path.replace(/\{(\w+)\}/g, (_, name) => (names.push(name), '([^/]+)'));
    return { id: id as RouteId, def, pattern: new RegExp(`^${source}$`), names };
  });
}

/**
 * The routes of the resource a path addresses. Like API Gateway's resource tree, a literal path
 * segment wins over a {variable}: POST /records/lookup never falls through to /records/{id}.
 */
function matchingRoutes(compiled: CompiledRoute[], pathname: string) {
  const candidates = compiled.map((route) => ({ route, match: route.pattern.exec(pathname)! })).filter((c) => c.match);
  const resource = candidates.map((c) => c.route.def.path).sort((a, b) => a.split('{').length - b.split('{').length)[0];
  return candidates.filter((c) => c.route.def.path === resource);
}

/** The route a request would reach (tests use it to check responses against the OpenAPI document). */
let compiledOnce: CompiledRoute[] | undefined;
export function routeFor(method: string, pathname: string): RouteId | undefined {
  return matchingRoutes((compiledOnce ??= compile()), pathname).find((c) => c.route.def.method === method)?.route.id;
}

/** Token bucket per API key: `rateLimit` tokens a second, at most `burstLimit` stored (monotonic clock). */
export class TokenBucket {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly limits: { rateLimit: number; burstLimit: number }) {}

  /** Takes a token, or returns the seconds until one is available. */
  take(key: string, now = performance.now()): { ok: true } | { ok: false; retryAfter: number } {
    const { rateLimit, burstLimit } = this.limits;
    const bucket = this.buckets.get(key) ?? { tokens: burstLimit, at: now };
    bucket.tokens = Math.min(burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * rateLimit);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - bucket.tokens) / rateLimit)) };
  }
}

/** API Gateway's header maps: the last value per name in `headers`, all of them in `multiValueHeaders`. */
function headerMaps(raw: string[]) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    headers[raw[i]] = raw[i + 1];
    multiValueHeaders[raw[i]] = [...(Object.hasOwn(multiValueHeaders, raw[i]) ? multiValueHeaders[raw[i]] : []), raw[i + 1]];
  }
  return { headers, multiValueHeaders };
}

function queryMaps(search: URLSearchParams) {
  if ([...search.keys()].length === 0) return { queryStringParameters: null, multiValueQueryStringParameters: null };
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of search) {
    queryStringParameters[key] = value;
    // Object.hasOwn, not ??=: a parameter may be called "toString" or "constructor".
    multiValueQueryStringParameters[key] = [...(Object.hasOwn(multiValueQueryStringParameters, key) ? multiValueQueryStringParameters[key] : []), value];
  }
  return { queryStringParameters, multiValueQueryStringParameters };
}

const safeDecode = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

function requestTime(date: Date) {
  const [, day, month, year, time] = date.toUTCString().split(' ');
  return `${day}/${month}/${year}:${time} +0000`;
}

export function buildEvent(
  req: IncomingMessage,
  url: URL,
  route: CompiledRoute,
  match: RegExpExecArray,
  body: string,
  stage: string,
): APIGatewayProxyEvent {
  const now = new Date();
  const requestId = randomUUID();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  // The headers API Gateway adds in front of every integration.
  const added = ['X-Amzn-Trace-Id', `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${requestId.replace(/-/g, '').slice(0, 24)}`, 'X-Forwarded-For', sourceIp, 'X-Forwarded-Port', String(req.socket.localPort), 'X-Forwarded-Proto', 'http'];
  const { headers, multiValueHeaders } = headerMaps([...req.rawHeaders, ...added]);
  const pathParameters = route.names.length ? Object.fromEntries(route.names.map((n, i) => [n, safeDecode(match[i + 1])])) : null;
  return {
    resource: route.def.path,
    path: url.pathname,
    httpMethod: req.method!,
    headers,
    multiValueHeaders,
    ...queryMaps(url.searchParams),
    pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...{ deploymentId: 'local' }, // real events carry it; @types/aws-lambda does not know it
      resourceId: route.id,
      resourcePath: route.def.path,
      httpMethod: req.method!,
      requestId,
      extendedRequestId: requestId,
      requestTime: requestTime(now),
      requestTimeEpoch: now.getTime(),
      path: url.pathname, // the local URL has no stage prefix (on AWS's default endpoint it is /<stage>/…)
      stage,
      protocol: `HTTP/${req.httpVersion}`,
      domainName: req.headers.host ?? 'localhost',
      domainPrefix: (req.headers.host ?? 'localhost').split('.')[0],
      authorizer: null,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: (req.headers['x-api-key'] as string | undefined) ?? null,
        apiKeyId: req.headers['x-api-key'] ? 'local-api-key' : null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
        userArn: null,
      },
    },
    body: body === '' ? null : body,
    isBase64Encoded: false,
  };
}

/** API Gateway's payload limit: a larger request never reaches a function. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** The request body, or undefined once it grows past MAX_PAYLOAD_BYTES (the rest is not buffered). */
const readBody = (req: IncomingMessage) =>
  new Promise<string | undefined>((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req
      .on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_PAYLOAD_BYTES) chunks.push(c);
      })
      .on('end', () => done(size > MAX_PAYLOAD_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')))
      .on('error', fail);
  });

export function createGateway(options: GatewayOptions): Server {
  const stage = options.stage ?? 'local';
  const compiled = compile();
  const bucket = new TokenBucket(options.throttle ?? usagePlanThrottle);
  const corsOrigins = options.corsOrigins ?? [];

  const send = (res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string) => {
    res.writeHead(status, headers).end(body);
  };
  const gatewayError = (res: ServerResponse, type: GatewayResponseType, extraHeaders: Record<string, string> = {}) => {
    const { status, body, headers } = gatewayResponses[type];
    send(res, status, { 'content-type': PROBLEM_CONTENT_TYPE, ...headers, ...extraHeaders }, JSON.stringify(body));
    return status;
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const candidates = matchingRoutes(compiled, url.pathname);
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && candidates.length > 0 && origin && corsOrigins.includes(origin)) {
      send(res, 204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': [...new Set(candidates.map((c) => c.route.def.method)), 'OPTIONS'].join(','),
        'access-control-allow-headers': CORS_ALLOWED_HEADERS,
        'access-control-max-age': '600',
        vary: 'Origin',
      }, '');
      return 204;
    }
    const found = candidates.find((c) => c.route.def.method === req.method);
    if (!found) return gatewayError(res, 'MISSING_AUTHENTICATION_TOKEN');
    const { route, match } = found;
    if (route.def.apiKey !== false) {
      const key = req.headers['x-api-key'];
      if (key !== options.apiKey) return gatewayError(res, 'INVALID_API_KEY');
      const token = bucket.take(key);
      if (!token.ok) return gatewayError(res, 'THROTTLED', { 'retry-after': String(token.retryAfter) });
    }
    const body = await readBody(req);
    if (body === undefined) return gatewayError(res, 'REQUEST_TOO_LARGE');
    const event = buildEvent(req, url, route, match!, body, stage);
    options.onEvent?.(structuredClone(event), route.id); // a copy: handlers may rewrite theirs
    try {
      const result = await options.lambda.invoke(route.def.entry, event);
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
      const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body;
      send(res, result.statusCode, headers, body ?? '');
      return result.statusCode;
    } catch {
      // A function error, timeout or crash is what API Gateway reports as a 502 (the handler factory never throws).
      return gatewayError(res, 'DEFAULT_5XX');
    }
  }

  return createServer((req, res) => {
    const started = performance.now();
    serve(req, res)
      .catch(() => gatewayError(res, 'DEFAULT_5XX'))
      // The path only: query strings may carry personal data (an email filter).
      .then((status) => options.log?.(`${req.method} ${(req.url ?? '').split('?')[0]} → ${status} ${(performance.now() - started).toFixed(1)} ms`));
  });
}
