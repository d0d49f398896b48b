/**
 * What the API Gateway itself answers (before any Lambda runs). The local emulator and the CDK
 * stack's gateway responses are both built from this table, so the two cannot drift.
 */
import { problemBody, type ProblemBody } from './problem.ts';

export type GatewayResponseType =
  | 'INVALID_API_KEY'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'BAD_REQUEST_BODY'
  | 'BAD_REQUEST_PARAMETERS'
  | 'REQUEST_TOO_LARGE'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

export interface GatewayResponse {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
}

const response = (status: number, detail: string, headers: Record<string, string> = {}): GatewayResponse => ({
  status,
  body: problemBody(status, detail),
  headers,
});

export const gatewayResponses: Record<GatewayResponseType, GatewayResponse> = {
  // API Gateway answers an unknown path or method as a missing token (403); we tell the truth: 404.
  MISSING_AUTHENTICATION_TOKEN: response(404, 'No route matches this method and path.'),
  INVALID_API_KEY: response(403, 'A valid API key is required in the x-api-key header.'),
  THROTTLED: response(429, 'The API key exceeded its rate limit; retry later.', { 'retry-after': '1' }),
  QUOTA_EXCEEDED: response(429, 'The API key exceeded its quota for this period.', { 'retry-after': '3600' }),
  BAD_REQUEST_BODY: response(400, 'The request body does not match the schema for this route.'),
  BAD_REQUEST_PARAMETERS: response(400, 'The request parameters are invalid for this route.'),
  REQUEST_TOO_LARGE: response(413, 'The request is larger than the gateway accepts.'),
  DEFAULT_4XX: response(400, 'The gateway rejected the request.'),
  DEFAULT_5XX: response(502, 'The gateway could not get a response from the service; retry later.', { 'retry-after': '1' }),
};

/** Usage-plan throttle (seed 002's "30 requests per second"), shared by the stack and the emulator. */
export const usagePlanThrottle = { rateLimit: 30, burstLimit: 60 } as const;
