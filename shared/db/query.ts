/**
 * Queries: one page, or the pages one after another (lib-dynamodb's paginator) for the few sets that
 * are read or deleted whole (one account's sessions, entries, records, partition). Never a Scan.
 */
import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client.ts';
import type { Index, Item } from './table.ts';

export type Key = Record<string, unknown>;
export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

export interface Page {
  items: Item[];
  /** Where the next page starts; none after the last. */
  lastKey?: Key;
}

/** The pages of a query from `startKey`, one after another. */
export async function* pages(input: QueryInput, startKey?: Key): AsyncGenerator<Page> {
  for await (const { Items = [], LastEvaluatedKey } of paginateQuery({ client: db, startingToken: startKey }, { TableName: tableName(), ...input })) {
    yield { items: Items, lastKey: LastEvaluatedKey };
  }
}

/** One page of a query, from `startKey`. */
export async function queryPage(input: QueryInput, startKey?: Key): Promise<Page> {
  for await (const page of pages(input, startKey)) return page;
  return { items: [] };
}

/** Every item of a set one reads whole (bounded: one user's entries, sessions, records). */
export async function everything<T>(source: AsyncIterable<{ items: T[] }>): Promise<T[]> {
  const all: T[] = [];
  for await (const { items } of source) all.push(...items);
  return all;
}

/** A partition of an index, newest first (its sort keys start with a timestamp). */
export const newestFirst = (index: Index, partition: string): QueryInput => ({
  IndexName: index.indexName,
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': index.partitionKey },
  ExpressionAttributeValues: { ':pk': partition },
  ScanIndexForward: false,
});

/** A partition of the table, optionally only the sort keys with a prefix. */
export const inPartition = (partitionKey: string, sortKeyPrefix?: string): QueryInput => ({
  KeyConditionExpression: sortKeyPrefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
  ExpressionAttributeValues: { ':pk': partitionKey, ...(sortKeyPrefix && { ':prefix': sortKeyPrefix }) },
});
