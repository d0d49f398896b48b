import { StaleVersion } from '../db/transact.ts';
import { preconditionFailed } from '../http/problem.ts';

const MAX_ATTEMPTS = 3;

/**
 * Read-modify-write with optimistic locking. With If-Match, a concurrent change is the client's
 * business: 412. Without it, the change is re-applied to a fresh read, so no update is lost.
 */
export async function withOptimisticRetry<T>(ifMatch: string | undefined, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleVersion)) throw error;
      if (ifMatch || n === MAX_ATTEMPTS) throw preconditionFailed();
    }
  }
}
