import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, TABLE } from './client.ts';

/** BatchWriteItem deletes in chunks of 25, retrying whatever DynamoDB leaves unprocessed. */
export async function deleteKeys(items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** Math.min(attempt, 5)));
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [TABLE]: requests } }));
      requests = (result.UnprocessedItems?.[TABLE] ?? []) as typeof requests;
    }
  }
}
