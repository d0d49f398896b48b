/** DynamoDB failures a client should retry: throttling, capacity, service or network trouble. */
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'TransactionInProgressException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function isTransientDbError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: unknown; cause?: unknown };
  if (!e || typeof e !== 'object') return false;
  if (TRANSIENT_NAMES.has(e.name ?? '') || NETWORK_CODES.has(e.code ?? '')) return true;
  // Node wraps socket failures as AggregateError / cause chains.
  const nested = (e as { errors?: unknown[] }).errors;
  return (Array.isArray(nested) && nested.some(isTransientDbError)) || (e.cause !== undefined && isTransientDbError(e.cause));
}
