/**
 * REST v1 proxy events as API Gateway builds them for a Lambda proxy integration: header and query
 * maps with their multi-value twins, null (not {}) where a request has none, path parameters decoded
 * once, and the request context with the caller's identity.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { CompiledRoute } from './routing.ts';

/** The values a multi-value map holds under a name. Object.hasOwn, not ??=: a name may be "toString" or "constructor". */
const valuesOf = (map: Record<string, string[]>, name: string) => (Object.hasOwn(map, name) ? map[name] : undefined) ?? [];

/** API Gateway's header maps: the last value per name in `headers`, all of them in `multiValueHeaders`. */
function headerMaps(raw: string[]) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (name === undefined || value === undefined) break; // rawHeaders comes in pairs: never
    headers[name] = value;
    multiValueHeaders[name] = [...valuesOf(multiValueHeaders, name), value];
  }
  return { headers, multiValueHeaders };
}

function queryMaps(search: URLSearchParams) {
  if ([...search.keys()].length === 0) return { queryStringParameters: null, multiValueQueryStringParameters: null };
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  // Defined, not assigned: a parameter named __proto__ is a key like any other (as in the JSON event Lambda parses).
  const put = <T>(map: Record<string, T>, key: string, value: T) =>
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of search) {
    put(queryStringParameters, key, value);
    put(multiValueQueryStringParameters, key, [...valuesOf(multiValueQueryStringParameters, key), value]);
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
export const sourceIpOf = (req: IncomingMessage) => (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

/** What a client sent, as the gateway received it. */
export interface GatewayRequest {
  url: Pick<URL, 'pathname' | 'searchParams'>;
  /** Header names and values in the order sent, as Node's rawHeaders. */
  rawHeaders: string[];
  body: string;
  sourceIp: string;
  port: number;
  httpVersion: string;
}

/** Where the API runs: the local gateway, or a deployed stage (the sample events in events/). */
export interface ApiOrigin {
  accountId: string;
  apiId: string;
  domainName: string;
  stage: string;
  /** Whether the stage prefixes every path, as on API Gateway's default endpoint (/prod/…). */
  stageInPath: boolean;
  proto: 'http' | 'https';
  now: Date;
  requestId: string;
}

export const fromNodeRequest = (req: IncomingMessage, url: URL, body: string): GatewayRequest => ({
  url,
  rawHeaders: req.rawHeaders,
  body,
  sourceIp: sourceIpOf(req),
  port: req.socket.localPort ?? 0,
  httpVersion: req.httpVersion,
});

export const localOrigin = (stage: string): ApiOrigin => ({
  accountId: '000000000000',
  apiId: 'local',
  domainName: 'localhost',
  stage,
  stageInPath: false,
  proto: 'http',
  now: new Date(),
  requestId: randomUUID(),
});

export function buildEvent(request: GatewayRequest, route: CompiledRoute, match: RegExpExecArray, origin: ApiOrigin): APIGatewayProxyEvent {
  const { url, sourceIp, now, requestId } = { ...request, ...origin };
  const header = (name: string) => {
    for (let i = request.rawHeaders.length - 2; i >= 0; i -= 2) if (request.rawHeaders[i]?.toLowerCase() === name) return request.rawHeaders[i + 1];
    return undefined;
  };
  // The headers API Gateway adds in front of every integration.
  const added = [
    'X-Amzn-Trace-Id',
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${requestId.replace(/-/g, '').slice(0, 24)}`,
    'X-Forwarded-For',
    sourceIp,
    'X-Forwarded-Port',
    String(request.port),
    'X-Forwarded-Proto',
    origin.proto,
  ];
  const { headers, multiValueHeaders } = headerMaps([...request.rawHeaders, ...added]);
  // biome-ignore lint/style/noNonNullAssertion: each {name} is a ([^/]+) group of the route's pattern, which takes part in every match
  const parameter = (i: number) => safeDecode(match[i + 1]!);
  const pathParameters = route.names.length ? Object.fromEntries(route.names.map((n, i) => [n, parameter(i)])) : null;
  const apiKey = header('x-api-key');
  return {
    resource: route.def.path,
    path: url.pathname,
    httpMethod: route.def.method, // the request's: findRoute matched it
    headers,
    multiValueHeaders,
    ...queryMaps(url.searchParams),
    pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: origin.accountId,
      apiId: origin.apiId,
      ...{ deploymentId: origin.apiId === 'local' ? 'local' : 'x1y2z3' }, // real events carry it; @types/aws-lambda does not know it
      resourceId: route.id,
      resourcePath: route.def.path,
      httpMethod: route.def.method,
      requestId,
      extendedRequestId: requestId,
      requestTime: requestTime(now),
      requestTimeEpoch: now.getTime(),
      path: origin.stageInPath ? `/${origin.stage}${url.pathname}` : url.pathname,
      stage: origin.stage,
      protocol: `HTTP/${request.httpVersion}`,
      // The API's own domain, whatever Host the client sent (as API Gateway gives its execute-api domain).
      domainName: origin.domainName,
      domainPrefix: origin.domainName.split('.')[0] ?? origin.domainName,
      authorizer: null,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: apiKey ?? null,
        apiKeyId: apiKey ? (origin.apiId === 'local' ? 'local-api-key' : 'k9l8m7n6o5') : null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: header('user-agent') ?? null,
        userArn: null,
      },
    },
    body: request.body === '' ? null : request.body,
    isBase64Encoded: false,
  };
}
