import { StaleVersion } from '../db/writes.ts';
import { isConditional, type VersionCondition } from '../domain/versions.ts';
import { PreconditionFailed } from '../errors.ts';
import { retry } from '../retry.ts';

/**
 * Read-modify-write with optimistic locking. With a condition (If-Match, If-None-Match), a
 * concurrent change is the client's business: 412. Without one, the change is re-applied to a fresh
 * read, so no update is lost.
 */
export async function withOptimisticRetry<T>(condition: VersionCondition, attempt: () => Promise<T>): Promise<T> {
  try {
    return await retry(attempt, { attempts: isConditional(condition) ? 1 : 8, baseMs: 10, retryable: (error) => error instanceof StaleVersion });
  } catch (error) {
    throw error instanceof StaleVersion ? new PreconditionFailed('The resource has changed since you read it (If-Match is stale).') : error;
  }
}
