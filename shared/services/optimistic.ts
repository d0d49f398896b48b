import { StaleVersion } from '../db/transact.ts';
import { preconditionFailed } from '../http/problem.ts';

const MAX_ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Read-modify-write with optimistic locking. With a precondition (If-Match, If-None-Match), a
 * concurrent change is the client's business: 412. Without one, the change is re-applied to a fresh
 * read after a jittered backoff, so no update is lost.
 */
export async function withOptimisticRetry<T>(precondition: string | undefined, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleVersion)) throw error;
      if (precondition !== undefined || n === MAX_ATTEMPTS) throw preconditionFailed();
      await sleep(Math.random() * 10 * 2 ** n);
    }
  }
}
