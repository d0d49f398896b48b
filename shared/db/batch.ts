import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Unavailable } from '../errors.ts';
import { retry } from '../retry.ts';
import { db, tableName } from './client.ts';

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

/** BatchWriteItem deletes in chunks of 25. */
export async function deleteKeys(items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await untilProcessed(
      items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
      async (requests) =>
        ((await db.send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }))).UnprocessedItems?.[tableName()] ?? []) as typeof requests,
    );
  }
}

/** Deletes every item of a partition (optionally only sort keys with a prefix), page by page, however many. */
export async function deletePartition(partitionKey: string, sortKeyPrefix?: string): Promise<void> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: sortKeyPrefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partitionKey, ...(sortKeyPrefix && { ':prefix': sortKeyPrefix }) },
        ProjectionExpression: 'PK, SK',
        ExclusiveStartKey,
      }),
    );
    await deleteKeys(page.Items ?? []);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}
