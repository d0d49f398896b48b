import { StaleVersion } from '../db/writes.ts';
import { isConditional, type VersionCondition } from '../domain/versions.ts';
import { retry } from '../retry.ts';

/**
 * Read-modify-write with optimistic locking. With a condition (If-Match, If-None-Match), a
 * concurrent change is the client's business: StaleVersion, a 412. Without one, the change is
 * re-applied to a fresh read, so no update is lost.
 */
export const withOptimisticRetry = <T>(condition: VersionCondition, attempt: () => Promise<T>): Promise<T> =>
  retry(attempt, { attempts: isConditional(condition) ? 1 : 8, baseMs: 10, retryable: (error) => error instanceof StaleVersion });
