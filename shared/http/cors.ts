/** Request headers a browser may send cross-origin; shared by the functions, the local gateway and the stack. */
export const CORS_ALLOWED_HEADERS = 'authorization,content-type,if-match,if-none-match,idempotency-key,x-api-key';
export const CORS_EXPOSED_HEADERS = 'etag,location,retry-after,x-request-id';
