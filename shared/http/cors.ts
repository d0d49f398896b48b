/** Request headers a browser may send cross-origin; shared by the functions, the local gateway and the stack. */
export const CORS_ALLOWED_HEADERS = 'authorization,content-type,if-match,if-none-match,idempotency-key,x-api-key';
export const CORS_EXPOSED_HEADERS = 'etag,location,retry-after,x-request-id';

/**
 * The CORS headers of a function's answer, for the origins the stack allows (none: no CORS at all).
 * A listed origin (compared without case, as browsers send it) is allowed and echoed; any other gets
 * no Access-Control-Allow-Origin. The preflight is the gateway's (infra/gateway-contract.ts).
 */
export function corsHeaders(allowed: string[], origin: string | undefined): Record<string, string> {
  if (allowed.length === 0) return {};
  const listed = origin && allowed.map((o) => o.toLowerCase()).find((o) => o === origin.toLowerCase());
  return {
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    ...(listed && { 'access-control-allow-origin': listed }),
    ...((listed || allowed.length > 1) && { vary: 'Origin' }),
    'access-control-expose-headers': CORS_EXPOSED_HEADERS,
  };
}
