/**
 * Conditional writes, one way. A condition that fails is never a 5xx: it means the item changed (or
 * vanished) since it was read, StaleVersion, unless the item was guarded with a meaning of its own
 * (the owner is gone, the quota is full, the value is taken).
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { PreconditionFailed, Unavailable } from '../errors.ts';
import { retry } from '../retry.ts';
import { db } from './client.ts';
import type { Item } from './table.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A transaction item, and the error its failed condition means. */
export interface Guarded {
  item: TransactItem;
  failure: () => Error;
}

export const guard = (item: TransactItem, failure: () => Error): Guarded => ({ item, failure });

/** The item changed (or vanished) between read and conditional write: a 412, unless the service reads again and retries. */
export class StaleVersion extends PreconditionFailed {
  constructor() {
    super('The resource has changed since you read it (If-Match is stale).');
  }
}

/** A concurrent transaction held one of the items: worth another try. */
class TransactionConflict extends Error {}

const isGuarded = (entry: TransactItem | Guarded): entry is Guarded => 'failure' in entry;

/**
 * TransactWriteItems, all or nothing. A failed condition throws what its item means; when several
 * fail, the first of them in `items` decides, so list the items in the order their failures should
 * win. A conflict with a concurrent transaction on the same items is retried.
 */
export async function transact(items: (TransactItem | Guarded)[]): Promise<void> {
  const once = async () => {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items.map((entry) => (isGuarded(entry) ? entry.item : entry)) }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const entry = items[failed];
        throw entry && isGuarded(entry) ? entry.failure() : new StaleVersion();
      }
      throw reasons.some((reason) => reason.Code === 'TransactionConflict') ? new TransactionConflict() : error;
    }
  };
  await retry(once, { attempts: 5, baseMs: 25, retryable: (error) => error instanceof TransactionConflict }).catch((error) => {
    throw error instanceof TransactionConflict ? new Unavailable('The service is temporarily unavailable; retry later.', undefined, 1) : error;
  });
}

/**
 * A single conditional write (Put, Update, Delete): its output, or the item as it stood when the
 * condition failed (undefined if absent, or if the write did not ask for
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`), so a lost race needs no second read.
 */
export type Conditional<Output> = { written: true; output: Output } | { written: false; current: Item | undefined };

export async function conditionally<Output>(write: () => Promise<Output>): Promise<Conditional<Output>> {
  try {
    return { written: true, output: await write() };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { written: false, current: error.Item && unmarshall(error.Item) };
  }
}
