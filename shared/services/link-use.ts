/** Using a mailed link: the profile change it makes and the link's use, in one transaction. */
import { type Link, links } from '../db/links.ts';
import { type User, users } from '../db/users.ts';
import { type Guarded, StaleVersion, type TransactItem } from '../db/writes.ts';
import { retry } from '../retry.ts';
import { InvalidRecoveryLink } from './recovery.ts';

export type Also = (TransactItem | Guarded)[];

/**
 * Re-reads and rewrites the profile a link names until no concurrent write gets in between; `extra`
 * (the transaction's other items) is worked out again on each try. A link that no longer holds (`change`
 * answers undefined, or another use got in first) is an InvalidRecoveryLink with `hint`, what to do instead.
 */
export async function rewriteByLink(
  link: Link,
  change: (user: User) => User | undefined,
  extra: () => Promise<Also>,
  hint = 'ask again',
): Promise<{ before: User; after: User }> {
  return retry(
    async () => {
      // The profile first, then `extra`: links written with a profile version this read saw are in what `extra` reads.
      const before = await users.get(link.userId);
      const changed = before && change(before);
      if (!before || !changed) throw new InvalidRecoveryLink(hint);
      const also = await extra();
      const after: User = { ...changed, version: before.version + 1, updated_at: new Date().toISOString() };
      await users.replace(before, after, [links.consume(link, () => new InvalidRecoveryLink(hint)), ...also]);
      return { before, after };
    },
    { attempts: 5, baseMs: 10, retryable: (error) => error instanceof StaleVersion },
  );
}
