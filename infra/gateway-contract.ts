/**
 * What API Gateway itself does around the functions, declared once. The CDK stack configures API
 * Gateway from this module and the local gateway (tools/local/gateway/) applies it;
 * tests/infra/conformance.test.ts synthesizes the stack and checks, method by method and response by
 * response, that the local gateway does what the template declares.
 *
 * Request validation is not part of it on purpose: the gateway has no request validator, so every
 * request reaches its function, whose zod schemas answer 400 naming each bad field (a gateway
 * validator answers first, with a generic 400, before authentication).
 */
import { MAX_BODY_BYTES } from '../shared/http/body.ts';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from '../shared/http/cors.ts';
import { PROBLEM_CONTENT_TYPE, type ProblemBody, problemBody } from '../shared/http/problem.ts';
import { SECURITY_HEADERS } from '../shared/http/security-headers.ts';
import { type RouteDef, routes } from '../shared/routes.ts';

/**
 * Two kinds of API key, each in its own usage plan, both throttled alike (seed 002's "30 requests per
 * second", a burst of 60): the console's key is public (GET / serves it to any script), so it gets no
 * more than an API client's. Each plan's bucket is shared by everyone holding its key; that is what a
 * per-key limit is, and it keeps either key from spending the stage throttle, which every key shares.
 * Only the clients' plan has the monthly quota: a quota on a public key is a budget any visitor can
 * spend (at 30 a second, a million requests last about nine hours), after which every console user
 * is refused until the month ends. A throttle's bucket refills within seconds.
 */
export const usagePlanThrottle = { rateLimit: 30, burstLimit: 60 } as const;

/**
 * The WAF's rate-based rules (on AWS a web ACL in front of the stage, `-c waf=false` removes it;
 * locally the same rules in the gateway), each counting the requests of the last minute:
 * - per source address (the `wafRateLimit` context, 600 by default), every request;
 * - per session (`wafSessionRateLimit`, 300): requests that carry an Authorization header, keyed on
 *   its value (the bearer token). Half the address's budget, so one session flooding from an address
 *   other people share (an office's NAT) leaves them the other half. Authenticated requests still
 *   count per address too: the WAF cannot verify a token, so a caller minting or inventing tokens
 *   would otherwise have no limit at all.
 * A blocked request gets the WAF_FILTERED answer: 429 with Retry-After.
 */
export const PER_ADDRESS_WINDOW_SECONDS = 60;
export const SESSION_HEADER = 'authorization';

/** API Gateway's payload limit: a larger request never reaches a function. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Lambda's limits on a synchronous invocation: "For synchronous invocations, the maximum payload size
 * is 6 MB" (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html), for the request (the
 * whole proxy event as JSON, not just the body) and for the response (the function's result as JSON).
 * The exact figures are the ones Lambda's errors name: "Request must be smaller than 6291456 bytes for
 * the InvokeFunction operation" and "Response payload size exceeded maximum allowed payload size
 * (6291556 bytes)". A request over it is refused by the Lambda API, which API Gateway answers with a
 * 500 ("If the Lambda API rejects the invocation request, API Gateway returns a 500 error code",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html); a response over it is
 * a function error, a 502.
 */
export const LAMBDA_MAX_REQUEST_BYTES = 6 * 1024 * 1024 - 1;
export const LAMBDA_MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

/** The largest body any route accepts (PUT /kv/{key}: 512 KiB); each function refuses more itself, with 413. */
export const LARGEST_ROUTE_BODY_BYTES = Math.max(...(Object.values(routes) as RouteDef[]).map((r) => r.maxBodyBytes ?? MAX_BODY_BYTES));

/**
 * The WAF's body rule: a request with a body is refused unless its Content-Length declares at most
 * `maxBytes`, so no body that could bring a proxy event near Lambda's 6 MB reaches a function (a
 * Lambda refusal is a 5xx any client could use to trip the 5xx alarm). WAF compares a header's text,
 * not its number, so the limit is the largest route body rounded up at its leading digit (599,999 for
 * 524,288), written as a pattern WAF's regular expressions accept (no groups). A body without a
 * Content-Length (chunked) cannot be sized in advance, so it is refused too. Even at the limit, a
 * body of control characters (each escaped to six bytes in the event's JSON) with headers and URL at
 * their quotas makes an event of about 4 MB.
 */
export const contentLengthRule = (() => {
  const digits = String(LARGEST_ROUTE_BODY_BYTES);
  const lead = Number(digits[0]);
  const rest = digits.length - 1;
  return lead === 9
    ? { maxBytes: 10 ** digits.length - 1, pattern: `^[0-9]{1,${digits.length}}$` }
    : { maxBytes: (lead + 1) * 10 ** rest - 1, pattern: `^[0-${lead}]?[0-9]{1,${rest}}$` };
})();

/** The WAF's answer to a body over that limit: WAF's own response (a gateway response cannot tell one WAF rule from another). */
export const bodyTooLarge = {
  status: 413,
  /** WAF's custom responses offer text/plain, text/html and application/json only: the body is a problem document all the same. */
  contentType: 'application/json',
  body: problemBody(
    413,
    `The request body is larger than any route accepts, or its size is not given in Content-Length (at most ${contentLengthRule.maxBytes} bytes).`,
  ),
};

/**
 * API Gateway's quotas on a request's head (REST APIs, https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html):
 * "URL length" 10,240 characters for a regional API (8,192 edge-optimized), and the "total combined
 * size of all header values, including header names, values, any line terminators, and white spaces"
 * 10,240 bytes. How API Gateway answers past them is not documented; the contract answers with
 * REQUEST_TOO_LARGE, the one response type about a request's size (`npm run test:deployed` checks it).
 */
export const requestQuotas = { urlCharacters: 10_240, headerBytes: 10_240, answer: 'REQUEST_TOO_LARGE' } as const;

/** Responses from this size up are compressed when the client accepts it (Swagger UI's script is 1.7 MB). */
export const MINIMUM_COMPRESSION_BYTES = 1024;

/**
 * The response types API Gateway has, with the status each answers. The DEFAULT_4XX / DEFAULT_5XX
 * fallbacks set no status: a status there would replace the status of every type without an entry
 * (a WAF block's 403 would become the fallback's code).
 *
 * A function's failure has no entry of its own, on purpose: INTEGRATION_FAILURE and
 * INTEGRATION_TIMEOUT fall back to DEFAULT_5XX, which keeps the status of the cause. Lambda's guide
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html) gives 502 for a
 * function error (a crash, an exit, its own timeout, an invalid or over-6-MB result) and 500 when the
 * Lambda API refuses the invocation (throttled, an event over 6 MB); 504 is the integration's 29 s,
 * which the functions' 10 s timeout never reaches. API Gateway's logs file a crash under
 * INTEGRATION_FAILURE (reported, not documented), whose own default would be 504. Without entries,
 * whatever type AWS files a failure under, the client gets DEFAULT_5XX with the cause's status: the
 * answer the local gateway gives a crashed or timed-out function.
 */
const TYPES = {
  ACCESS_DENIED: [403, 'Access is denied.'],
  API_CONFIGURATION_ERROR: [500, 'The API is misconfigured.'],
  AUTHORIZER_CONFIGURATION_ERROR: [500, 'The authorizer could not be reached.'],
  AUTHORIZER_FAILURE: [500, 'The authorizer failed.'],
  BAD_REQUEST_BODY: [400, 'The request body is invalid.'],
  BAD_REQUEST_PARAMETERS: [400, 'The request parameters are invalid.'],
  EXPIRED_TOKEN: [403, 'The AWS authentication token has expired.'],
  INVALID_API_KEY: [403, 'A valid API key is required in the x-api-key header.'],
  INVALID_SIGNATURE: [403, 'The AWS signature is invalid.'],
  // API Gateway answers an unknown path or method as a missing token (403); we tell the truth: 404.
  MISSING_AUTHENTICATION_TOKEN: [404, 'No route matches this method and path.'],
  QUOTA_EXCEEDED: [429, 'The API key exceeded its quota for this period.'],
  REQUEST_TOO_LARGE: [413, 'The request is larger than the gateway accepts.'],
  RESOURCE_NOT_FOUND: [404, 'No such resource.'],
  THROTTLED: [429, 'Too many requests; retry later.'],
  UNAUTHORIZED: [401, 'The request is not authorized.'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'The media type is not supported.'],
  // The web ACL blocks with this answer only for its rate limits (its body rule answers itself), so it is a 429.
  WAF_FILTERED: [429, 'Too many requests from your address or session; retry in a minute.'],
} as const satisfies Record<string, readonly [number, string]>;

export type GatewayResponseType = keyof typeof TYPES | 'DEFAULT_4XX' | 'DEFAULT_5XX';

/** The types a function's failure is filed under, which fall back to DEFAULT_5XX (above). */
export const FUNCTION_FAILURE_TYPES = ['INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT'] as const;

/** Seconds a client should wait, where the answer is about time. */
const RETRY_AFTER: Partial<Record<GatewayResponseType, string>> = {
  THROTTLED: '1',
  WAF_FILTERED: String(PER_ADDRESS_WINDOW_SECONDS),
  QUOTA_EXCEEDED: '3600',
  DEFAULT_5XX: '1', // a function's failure (every other 5xx type has an entry)
};

export interface GatewayResponse {
  /** Undefined for the DEFAULT_* fallbacks, which keep the status of the type they stand in for. */
  status?: number;
  body: ProblemBody | Omit<ProblemBody, 'status'>;
}

export const gatewayResponses: Record<GatewayResponseType, GatewayResponse> = {
  ...(Object.fromEntries(Object.entries(TYPES).map(([type, [status, detail]]) => [type, { status, body: problemBody(status, detail) }])) as Record<
    keyof typeof TYPES,
    GatewayResponse
  >),
  DEFAULT_4XX: { body: { type: 'about:blank', title: 'Client Error', detail: 'The gateway refused the request.' } },
  DEFAULT_5XX: { body: { type: 'about:blank', title: 'Server Error', detail: 'The gateway could not get an answer; retry later.' } },
};

/**
 * A response header's value: fixed, or copied from a request header (API Gateway's
 * `method.request.header.<name>` mapping); a copied header is left out when the request has none.
 */
export type HeaderValue = { value: string } | { fromRequestHeader: string };

/**
 * CORS on answers the gateway makes itself, so a browser on an allowed origin can read a 403, 404 or
 * 429. API Gateway cannot compare the request's origin with a list here: with one origin it is fixed;
 * with several the request's origin is echoed. These bodies are fixed texts and no credentials are
 * involved (the API uses bearer tokens, never cookies), so echoing reveals nothing.
 */
function corsHeaders(corsOrigins: string[]): Record<string, HeaderValue> {
  const [first, ...others] = corsOrigins;
  if (first === undefined) return {};
  return {
    'access-control-allow-origin': others.length === 0 ? { value: first } : { fromRequestHeader: 'origin' },
    'access-control-expose-headers': { value: CORS_EXPOSED_HEADERS },
    vary: { value: 'Origin' },
  };
}

/** The headers of a gateway response: problem+json, the security headers, Retry-After, CORS. */
export function gatewayResponseHeaders(type: GatewayResponseType, corsOrigins: string[]): Record<string, HeaderValue> {
  const fixed: Record<string, string> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    ...SECURITY_HEADERS,
    ...(RETRY_AFTER[type] && { 'retry-after': RETRY_AFTER[type] }),
  };
  return { ...Object.fromEntries(Object.entries(fixed).map(([name, value]) => [name, { value }])), ...corsHeaders(corsOrigins) };
}

/**
 * The headers of the WAF body rule's answer (WAF sets its content type): the security headers, and
 * CORS only with one origin, since a WAF response cannot copy the request's Origin.
 */
export function bodyTooLargeHeaders(corsOrigins: string[]): Record<string, string> {
  const cors = corsOrigins.length === 1 ? corsHeaders(corsOrigins) : {};
  return { ...SECURITY_HEADERS, ...Object.fromEntries(Object.entries(cors).flatMap(([name, header]) => ('value' in header ? [[name, header.value]] : []))) };
}

/**
 * The CORS preflight every resource answers when origins are configured (an OPTIONS method without
 * an API key): 204, the allowed origin (the first configured one unless the request's origin is
 * another configured one), methods, headers and how long the browser may cache it.
 */
export const corsPreflight = {
  status: 204,
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders: CORS_ALLOWED_HEADERS.split(','),
  maxAgeSeconds: 600,
};

/** The origin a preflight answers with, as API Gateway's mock integration picks it. */
export const preflightOrigin = (corsOrigins: string[], requestOrigin: string | undefined) =>
  requestOrigin !== undefined && corsOrigins.includes(requestOrigin) ? requestOrigin : corsOrigins[0];
