import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Unavailable } from '../errors.ts';
import { retry } from '../retry.ts';
import { db, tableName } from './client.ts';
import { pages, type QueryInput } from './query.ts';
import type { Item } from './table.ts';

class Unprocessed extends Error {}

/**
 * A batch call, sent again with what DynamoDB left unprocessed (it does under load) until nothing is
 * left; `send` answers what is left. Past a few tries the service is busy: 503.
 */
export async function untilProcessed<T>(batch: T[], send: (batch: T[]) => Promise<T[]>): Promise<void> {
  let left = batch;
  const once = async () => {
    left = await send(left);
    if (left.length > 0) throw new Unprocessed();
  };
  await retry(once, { attempts: 8, baseMs: 20, retryable: (error) => error instanceof Unprocessed }).catch((error) => {
    throw error instanceof Unprocessed ? new Unavailable('The service is temporarily unavailable; retry later.', undefined, 1) : error;
  });
}

/** BatchWriteItem deletes in chunks of 25 (items by their keys). */
export async function deleteKeys(items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await untilProcessed(
      items.slice(i, i + 25).map(({ PK, SK }) => ({ DeleteRequest: { Key: { PK, SK } } })),
      async (requests) =>
        ((await db.send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }))).UnprocessedItems?.[tableName()] ?? []) as typeof requests,
    );
  }
}

/** Deletes every item a query finds, page by page, however many (only their keys are read); the number deleted. */
export async function deleteFound(query: QueryInput): Promise<number> {
  let deleted = 0;
  for await (const { items } of pages({ ...query, ProjectionExpression: 'PK, SK' })) {
    await deleteKeys(items);
    deleted += items.length;
  }
  return deleted;
}
