/**
 * A local API Gateway (REST API, Lambda proxy integration) for the real handlers. It applies the
 * gateway contract (shared/http/gateway-contract.ts) with the deployment settings of cdk.json, as the
 * stack does: the route table's methods, the API key, the usage plan's throttle and monthly quota, the
 * stage throttle, the payload limit, CORS preflights, compression, and every answer the gateway makes
 * itself. It builds REST v1 proxy events as API Gateway does (null vs {} included) and invokes each
 * route's function through the local Lambda service (infra/local/lambda.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  corsPreflight,
  gatewayResponseHeaders,
  gatewayResponses,
  MAX_PAYLOAD_BYTES,
  MINIMUM_COMPRESSION_BYTES,
  PER_ADDRESS_WINDOW_SECONDS,
  preflightOrigin,
  usagePlanThrottle,
  type GatewayResponseType,
  type HeaderValue,
} from '../../shared/http/gateway-contract.ts';
import { routes, type RouteDef, type RouteId } from '../../shared/routes.ts';
import { cdkJsonConfig, type DeploymentConfig } from '../config.ts';
import type { LocalLambda } from './lambda.ts';

type Limits = { rateLimit: number; burstLimit: number };

export interface GatewayOptions {
  /** The API clients' key: the usage plan with a throttle and the monthly quota. */
  apiKey: string;
  /** The console's key: a plan with neither (gateway-contract.ts). */
  consoleKey?: string;
  /** Runs the routes' functions (startLocalLambda); its owner closes it. */
  lambda: Pick<LocalLambda, 'invoke'>;
  /** The deployment settings the stack reads from CDK context; cdk.json's by default. */
  config?: Partial<Pick<DeploymentConfig, 'stage' | 'monthlyQuota' | 'stageRateLimit' | 'stageBurstLimit' | 'corsOrigins' | 'waf' | 'wafRateLimit'>>;
  /** The usage plan's throttle per key; the contract's by default (ordinary tests loosen it). */
  throttle?: Limits;
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

  /** Takes a token if one is there. */
  take(key: string, now = performance.now()): boolean {
    const { rateLimit, burstLimit } = this.limits;
    const bucket = this.buckets.get(key) ?? { tokens: burstLimit, at: now };
    bucket.tokens = Math.min(burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * rateLimit);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
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

/** The client's address as API Gateway sees it (an IPv4 client on an IPv6 socket without its prefix). */
const sourceIpOf = (req: IncomingMessage) => (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

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
  const sourceIp = sourceIpOf(req);
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
      // The API's own domain, whatever Host the client sent (as API Gateway gives its execute-api domain).
      domainName: 'localhost',
      domainPrefix: 'localhost',
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

/** Every resource of the API's tree (each prefix of a route's path), as patterns: the paths a preflight answers on. */
function resourcePatterns(): RegExp[] {
  const paths = new Set(['/']);
  for (const route of Object.values(routes) as RouteDef[]) {
    const segments = route.path.split('/').slice(1);
    segments.forEach((_, i) => paths.add(`/${segments.slice(0, i + 1).join('/')}`));
  }
  return [...paths].map((path) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`));
}

/** The headers of a contract declaration, as API Gateway fills them for this request. */
function resolveHeaders(declared: Record<string, HeaderValue>, request: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(declared)) {
    const value = 'value' in header ? header.value : request[header.fromRequestHeader.toLowerCase()];
    if (typeof value === 'string' && value !== '') headers[name] = value;
  }
  return headers;
}

/** API Gateway compresses a body from the minimum size up when the client accepts gzip, deflate or br. */
function compress(body: Buffer, acceptEncoding: string | undefined): { body: Buffer; encoding?: string } {
  if (body.length < MINIMUM_COMPRESSION_BYTES) return { body };
  const accepted = (acceptEncoding ?? '').split(',').map((part) => part.trim().split(';')[0]);
  if (accepted.includes('gzip')) return { body: gzipSync(body), encoding: 'gzip' };
  if (accepted.includes('deflate')) return { body: deflateSync(body), encoding: 'deflate' };
  if (accepted.includes('br')) return { body: brotliCompressSync(body), encoding: 'br' };
  return { body };
}

/**
 * The WAF's rate-based rule: more than `limit` requests from one address in the last window blocks it.
 * Every request counts, blocked ones too (as WAF counts them), so a flood stays blocked. AWS WAF
 * notices within about a minute; this rule at once.
 */
class PerAddressLimit {
  private recent = new Map<string, number[]>();
  constructor(private readonly limit: number) {}

  allows(address: string, now = performance.now()): boolean {
    const since = now - PER_ADDRESS_WINDOW_SECONDS * 1000;
    const times = (this.recent.get(address) ?? []).filter((t) => t > since);
    times.push(now);
    this.recent.set(address, times.slice(-(this.limit + 1)));
    return times.length <= this.limit;
  }
}

/** Requests per API key in the current UTC month, against the usage plan's quota. */
class MonthlyQuota {
  private counts = new Map<string, { month: string; count: number }>();
  constructor(private readonly limit: number) {}

  take(key: string, now = new Date()): boolean {
    const month = now.toISOString().slice(0, 7);
    const entry = this.counts.get(key);
    const count = entry?.month === month ? entry.count + 1 : 1;
    this.counts.set(key, { month, count });
    return count <= this.limit;
  }
}

export function createGateway(options: GatewayOptions): Server {
  const config = { ...cdkJsonConfig(), ...options.config };
  const corsOrigins = config.corsOrigins;
  const compiled = compile();
  const resources = resourcePatterns();
  const keyBucket = new TokenBucket(options.throttle ?? usagePlanThrottle);
  const stageBucket = new TokenBucket({ rateLimit: config.stageRateLimit, burstLimit: config.stageBurstLimit });
  const quota = new MonthlyQuota(config.monthlyQuota);
  const perAddress = config.waf ? new PerAddressLimit(config.wafRateLimit) : undefined;

  const send = (req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string) => {
    const { body: sent, encoding } = compress(Buffer.from(body), req.headers['accept-encoding']);
    res.writeHead(status, { ...headers, ...(encoding && { 'content-encoding': encoding }) }).end(sent);
    return status;
  };
  /** An answer of the gateway itself; a DEFAULT_* type needs the status it stands in for. */
  const gatewayAnswer = (req: IncomingMessage, res: ServerResponse, type: GatewayResponseType, status?: number) => {
    const response = gatewayResponses[type];
    const headers = resolveHeaders(gatewayResponseHeaders(type, corsOrigins), req.headers);
    return send(req, res, response.status ?? status ?? 500, headers, JSON.stringify(response.body));
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // The WAF stands in front of API Gateway: every request from the address counts.
    if (perAddress && !perAddress.allows(sourceIpOf(req))) return gatewayAnswer(req, res, 'WAF_FILTERED');
    if (req.method === 'OPTIONS' && corsOrigins.length > 0 && resources.some((pattern) => pattern.test(url.pathname))) {
      // A preflight is a method like any other (a mock integration): the stage throttle applies.
      if (!stageBucket.take('stage')) return gatewayAnswer(req, res, 'THROTTLED');
      return send(req, res, corsPreflight.status, {
        'access-control-allow-origin': preflightOrigin(corsOrigins, req.headers.origin)!,
        'access-control-allow-methods': corsPreflight.allowMethods.join(','),
        'access-control-allow-headers': corsPreflight.allowHeaders.join(','),
        'access-control-max-age': String(corsPreflight.maxAgeSeconds),
        vary: 'Origin',
      }, '');
    }
    const found = matchingRoutes(compiled, url.pathname).find((c) => c.route.def.method === req.method);
    if (!found) return gatewayAnswer(req, res, 'MISSING_AUTHENTICATION_TOKEN');
    const { route, match } = found;
    if (route.def.apiKey !== false) {
      const key = req.headers['x-api-key'];
      const isClientKey = key === options.apiKey;
      if (!isClientKey && (options.consoleKey === undefined || key !== options.consoleKey)) return gatewayAnswer(req, res, 'INVALID_API_KEY');
      if (isClientKey && !keyBucket.take(key)) return gatewayAnswer(req, res, 'THROTTLED');
      if (isClientKey && !quota.take(key)) return gatewayAnswer(req, res, 'QUOTA_EXCEEDED');
    }
    if (!stageBucket.take('stage')) return gatewayAnswer(req, res, 'THROTTLED');
    const body = await readBody(req);
    if (body === undefined) return gatewayAnswer(req, res, 'REQUEST_TOO_LARGE');
    const event = buildEvent(req, url, route, match!, body, config.stage);
    options.onEvent?.(structuredClone(event), route.id); // a copy: handlers may rewrite theirs
    try {
      const result = await options.lambda.invoke(route.def.entry, event);
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
      const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body;
      return send(req, res, result.statusCode, headers, body ?? '');
    } catch {
      // A function error, timeout or crash is what API Gateway reports as a 502 (the handler factory never throws).
      return gatewayAnswer(req, res, 'DEFAULT_5XX', 502);
    }
  }

  return createServer((req, res) => {
    const started = performance.now();
    serve(req, res)
      .catch(() => gatewayAnswer(req, res, 'DEFAULT_5XX', 502))
      // The path only: query strings may carry personal data (an email filter).
      .then((status) => options.log?.(`${req.method} ${(req.url ?? '').split('?')[0]} → ${status} ${(performance.now() - started).toFixed(1)} ms`));
  });
}
