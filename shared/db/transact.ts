import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { Unavailable } from '../errors.ts';
import { retry } from '../retry.ts';
import { db } from './client.ts';

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** A condition in the transaction failed; `failed` holds the indexes of the items whose condition failed. */
export class TransactionConditionFailed extends Error {
  constructor(readonly failed: number[]) {
    super(`Transaction condition failed at item(s) ${failed.join(', ')}`);
    this.name = 'TransactionConditionFailed';
  }
}

/** The record changed (or vanished) between read and conditional write. */
export class StaleVersion extends Error {}

/** A concurrent transaction held one of the items: worth another try. */
class TransactionConflict extends Error {}

/**
 * TransactWriteItems, all or nothing. A conflict with a concurrent transaction on the same items is
 * retried; a failed condition is reported (with the items whose condition failed), never retried.
 */
export async function transact(items: TransactItems): Promise<void> {
  const once = async () => {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length > 0) throw new TransactionConditionFailed(failed);
      throw reasons.some((r) => r.Code === 'TransactionConflict') ? new TransactionConflict() : error;
    }
  };
  await retry(once, { attempts: 5, baseMs: 25, retryable: (error) => error instanceof TransactionConflict }).catch((error) => {
    throw error instanceof TransactionConflict ? new Unavailable('The service is temporarily unavailable; retry later.', undefined, 1) : error;
  });
}
