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
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from '../shared/http/cors.ts';
import { PROBLEM_CONTENT_TYPE, type ProblemBody, problemBody } from '../shared/http/problem.ts';
import { SECURITY_HEADERS } from '../shared/http/security-headers.ts';

/**
 * Two kinds of API key, each in its own usage plan. An API client's key (secret, one client's) is
 * throttled (seed 002's "30 requests per second") and has the monthly quota. The console's key is
 * public (the page carries it), so its plan has neither: no budget that every console user shares
 * can be spent by one of them. What bounds each caller, whatever key they hold, is the per-address
 * limit below and the stage throttle.
 */
export const usagePlanThrottle = { rateLimit: 30, burstLimit: 60 } as const;

/**
 * Requests one source address may make in a minute (the `wafRateLimit` context, 600 by default):
 * on AWS a WAF rate-based rule in front of the API (`-c waf=false` removes it), locally the same rule
 * in the gateway. A blocked request gets the WAF_FILTERED answer: 429 with Retry-After.
 */
export const PER_ADDRESS_WINDOW_SECONDS = 60;

/** API Gateway's payload limit: a larger request never reaches a function. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

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
  // The web ACL's only rule is the per-address rate limit, so a WAF block is a 429.
  WAF_FILTERED: [429, 'Too many requests from your address; retry in a minute.'],
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
