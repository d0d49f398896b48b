/**
 * The local gateway's HTTP server: for each request, in API Gateway's order, its front door (the
 * quotas on a request's head, the payload limit), the WAF's rules (per-address and per-session rate
 * limits, the body rule), CORS preflights, the route (routing.ts), the API key with its usage plan's
 * throttle and quota, the stage throttle (limits.ts); then the proxy event (events.ts) to the route's
 * function through the local Lambda service (tools/local/lambda.ts), and its answer, compressed as
 * API Gateway compresses. Every answer the gateway makes itself is the contract's.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { cdkJsonConfig, type DeploymentConfig } from '../../../infra/config.ts';
import {
  bodyTooLarge,
  bodyTooLargeHeaders,
  corsPreflight,
  type GatewayResponseType,
  gatewayResponseHeaders,
  gatewayResponses,
  type HeaderValue,
  MAX_PAYLOAD_BYTES,
  MINIMUM_COMPRESSION_BYTES,
  preflightOrigin,
  requestQuotas,
  SESSION_HEADER,
  usagePlanThrottle,
} from '../../../infra/gateway-contract.ts';
import type { RouteId } from '../../../shared/routes.ts';
import { InvocationRefused, type LocalLambda } from '../lambda.ts';
import type { RequestLog } from '../log.ts';
import { buildEvent, fromNodeRequest, localOrigin, sourceIpOf } from './events.ts';
import { bodyRuleRefuses, MonthlyQuota, overRequestQuotas, RateBasedRule, TokenBucket } from './limits.ts';
import { findRoute, isResource } from './routing.ts';

type Limits = { rateLimit: number; burstLimit: number };

export interface GatewayOptions {
  /** The API clients' key: the usage plan with a throttle and the monthly quota. */
  apiKey: string;
  /** The console's key: a plan with the same throttle and no quota (gateway-contract.ts). */
  consoleKey?: string;
  /** Runs the routes' functions (startLocalLambda); its owner closes it. */
  lambda: Pick<LocalLambda, 'invoke'>;
  /** The deployment settings the stack reads from CDK context; cdk.json's by default. */
  config?: Partial<
    Pick<DeploymentConfig, 'stage' | 'monthlyQuota' | 'stageRateLimit' | 'stageBurstLimit' | 'corsOrigins' | 'waf' | 'wafRateLimit' | 'wafSessionRateLimit'>
  >;
  /** The usage plans' throttle per key; the contract's by default (ordinary tests loosen it). */
  throttle?: Limits;
  /** Called once per request (tools/local/log.ts prints it); silent when omitted. */
  log?: (entry: RequestLog) => void;
  /** Sees every event before its handler does (tests check the event shape with it). */
  onEvent?: (event: APIGatewayProxyEvent, routeId: RouteId) => void;
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

/** What a request's log line says of its answer. */
type Answer = Pick<RequestLog, 'status' | 'reason' | 'requestId'>;

/** A refused or failed request's problem title and detail: what the client was told, never what it sent. */
function reasonOf(status: number, headers: Record<string, string | string[]>, body: string): string | undefined {
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (status < 400 || !String(type).includes('problem+json')) return undefined;
  try {
    const { title, detail } = JSON.parse(body) as { title?: unknown; detail?: unknown };
    return (
      [title, detail]
        .filter((part) => typeof part === 'string' && part)
        .join(': ')
        .slice(0, 300) || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * Node's own limit on a request's head (its 16 KB default answers a bare 431), raised above API
 * Gateway's quotas (about 20 KB of URL and headers) so that the gateway answers past them itself; a
 * head over even this limit gets the same answer from the server's clientError handler.
 */
const MAX_HEAD_BYTES = 64 * 1024;

export function createGateway(options: GatewayOptions): Server {
  const config = { ...cdkJsonConfig(), ...options.config };
  const corsOrigins = config.corsOrigins;
  const keyBucket = new TokenBucket(options.throttle ?? usagePlanThrottle);
  const stageBucket = new TokenBucket({ rateLimit: config.stageRateLimit, burstLimit: config.stageBurstLimit });
  const quota = new MonthlyQuota(config.monthlyQuota);
  const perAddress = config.waf ? new RateBasedRule(config.wafRateLimit) : undefined;
  const perSession = config.waf ? new RateBasedRule(config.wafSessionRateLimit) : undefined;

  const send = (req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string): Answer => {
    const { body: sent, encoding } = compress(Buffer.from(body), req.headers['accept-encoding']);
    res.writeHead(status, { ...headers, ...(encoding && { 'content-encoding': encoding }) }).end(sent);
    return { status, reason: reasonOf(status, headers, body) };
  };
  /** An answer of the gateway itself; a DEFAULT_* type needs the status it stands in for. */
  const gatewayAnswer = (req: IncomingMessage, res: ServerResponse, type: GatewayResponseType, status?: number) => {
    const response = gatewayResponses[type];
    const headers = resolveHeaders(gatewayResponseHeaders(type, corsOrigins), req.headers);
    return send(req, res, response.status ?? status ?? 500, headers, JSON.stringify(response.body));
  };

  /** The WAF rules, in their priority order: the first that blocks answers. */
  function wafBlock(req: IncomingMessage, res: ServerResponse, body: string | undefined): Answer | undefined {
    if (perAddress && !perAddress.allows(sourceIpOf(req))) return gatewayAnswer(req, res, 'WAF_FILTERED');
    const session = req.headers[SESSION_HEADER];
    if (perSession && session && !perSession.allows(session)) return gatewayAnswer(req, res, 'WAF_FILTERED');
    if (config.waf && bodyRuleRefuses(req.headers['content-length'], body)) {
      const headers = { 'content-type': bodyTooLarge.contentType, ...bodyTooLargeHeaders(corsOrigins) };
      return send(req, res, bodyTooLarge.status, headers, JSON.stringify(bodyTooLarge.body));
    }
    return undefined;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<Answer> {
    // The request target is a path: '//x/me' is that path (no route), not host x's /me, as API Gateway matches it.
    const url = new URL(`http://localhost${req.url?.startsWith('/') ? req.url : '/'}`);
    const body = await readBody(req); // API Gateway has the whole request before anything decides
    // Its front door: the quotas on a request's head, the payload limit.
    if (overRequestQuotas(req.url ?? '', req.rawHeaders)) return gatewayAnswer(req, res, requestQuotas.answer);
    if (body === undefined) return gatewayAnswer(req, res, 'REQUEST_TOO_LARGE');
    // The WAF stands in front of the API.
    const blocked = wafBlock(req, res, body);
    if (blocked) return blocked;
    const allowOrigin = preflightOrigin(corsOrigins, req.headers.origin); // undefined when no origin is allowed
    if (req.method === 'OPTIONS' && allowOrigin !== undefined && isResource(url.pathname)) {
      // A preflight is a method like any other (a mock integration): the stage throttle applies.
      if (!stageBucket.take('stage')) return gatewayAnswer(req, res, 'THROTTLED');
      return send(
        req,
        res,
        corsPreflight.status,
        {
          'access-control-allow-origin': allowOrigin,
          'access-control-allow-methods': corsPreflight.allowMethods.join(','),
          'access-control-allow-headers': corsPreflight.allowHeaders.join(','),
          'access-control-max-age': String(corsPreflight.maxAgeSeconds),
          vary: 'Origin',
        },
        '',
      );
    }
    const found = findRoute(req.method ?? '', url.pathname); // a request always has a method; without one, no route
    if (!found) return gatewayAnswer(req, res, 'MISSING_AUTHENTICATION_TOKEN');
    const { route, match } = found;
    if (route.def.apiKey !== false) {
      const key = req.headers['x-api-key'];
      const isClientKey = key === options.apiKey;
      if (!isClientKey && (options.consoleKey === undefined || key !== options.consoleKey)) return gatewayAnswer(req, res, 'INVALID_API_KEY');
      // Both plans are throttled, each key its own bucket; only the clients' plan has a quota.
      if (!keyBucket.take(key)) return gatewayAnswer(req, res, 'THROTTLED');
      if (isClientKey && !quota.take(key)) return gatewayAnswer(req, res, 'QUOTA_EXCEEDED');
    }
    if (!stageBucket.take('stage')) return gatewayAnswer(req, res, 'THROTTLED');
    const event = buildEvent(fromNodeRequest(req, url, body), route, match, localOrigin(config.stage));
    options.onEvent?.(structuredClone(event), route.id); // a copy: handlers may rewrite theirs
    try {
      const result = await options.lambda.invoke(route.def.entry, event);
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
      const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body;
      return { ...send(req, res, result.statusCode, headers, body ?? ''), requestId: event.requestContext.requestId };
    } catch (error) {
      // The Lambda API refusing the invocation (a request over 6 MB) is a 500; a function error,
      // timeout, crash or a response over 6 MB is a 502 (the handler factory never throws).
      return gatewayAnswer(req, res, 'DEFAULT_5XX', error instanceof InvocationRefused ? 500 : 502);
    }
  }

  /** The REQUEST_TOO_LARGE answer written straight to the socket, for a head Node refuses to parse. */
  function headTooLarge(socket: Duplex) {
    const type = requestQuotas.answer;
    const status = gatewayResponses[type].status ?? 413;
    const body = JSON.stringify(gatewayResponses[type].body);
    const headers = {
      ...resolveHeaders(gatewayResponseHeaders(type, corsOrigins), {}),
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
    options.log?.({ method: '', path: '', durationMs: 0, status, reason: reasonOf(status, headers, body) });
  }

  const server = createServer({ maxHeaderSize: MAX_HEAD_BYTES }, (req, res) => {
    const started = performance.now();
    serve(req, res)
      .catch(() => gatewayAnswer(req, res, 'DEFAULT_5XX', 502))
      // The path only: query strings may carry personal data (an email filter).
      .then((answer) =>
        options.log?.({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', durationMs: performance.now() - started, ...answer }),
      );
  });
  server.maxHeadersCount = 0; // API Gateway has no quota on their number (Node refuses more than 2,000)
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return;
    if (error.code === 'HPE_HEADER_OVERFLOW') return headTooLarge(socket);
    // Otherwise what Node answers without a listener.
    socket.end(`HTTP/1.1 ${error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'}\r\nconnection: close\r\n\r\n`);
  });
  return server;
}
