import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client.ts';
import type { Item, table } from './table.ts';

export type Key = Record<string, unknown>;
type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/** One page of a query, from `startKey`: its items, and where the next page starts (none at the end). */
export async function queryPage(input: QueryInput, startKey?: Key): Promise<{ items: Item[]; lastKey?: Key }> {
  const { Items = [], LastEvaluatedKey } = await db.send(new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey: startKey }));
  return { items: Items, lastKey: LastEvaluatedKey };
}

/** Every item a query finds, page after page (for bounded sets: one user's entries, sessions, records). */
export async function queryAll(input: QueryInput): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Key | undefined;
  do {
    const page = await queryPage(input, startKey);
    items.push(...page.items);
    startKey = page.lastKey;
  } while (startKey);
  return items;
}

/** A partition of an index, newest first (its sort keys start with a timestamp). */
export const newestFirst = (index: typeof table.gsi1 | typeof table.gsi2, partition: string): QueryInput => ({
  IndexName: index.indexName,
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': index.partitionKey },
  ExpressionAttributeValues: { ':pk': partition },
  ScanIndexForward: false,
});
