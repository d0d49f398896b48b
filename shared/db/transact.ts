import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { serviceUnavailable } from '../http/problem.ts';
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

const MAX_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * TransactWriteItems, all or nothing. Conflicts with a concurrent transaction on the same items are
 * retried with jittered exponential backoff; a failed condition is reported, never retried.
 */
export async function transact(items: TransactItems): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length > 0) throw new TransactionConditionFailed(failed);
      const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
      if (!conflict) throw error;
      if (attempt === MAX_ATTEMPTS) throw serviceUnavailable();
      await sleep(Math.random() * 25 * 2 ** attempt);
    }
  }
}
