/**
 * The single table, defined once: the CDK stack and the local runtime both build it from here.
 * Generic attribute names keep every entity in one table; each entity's module declares what it
 * puts in them (users.ts, markers.ts, sessions.ts, login-attempts.ts, idempotency.ts, kv.ts,
 * records.ts, payments.ts, rate-limits.ts; user-partition.ts for the partition an account's items share).
 * GSI1: per-owner listings (users newest first, a user's payments, a user's records). GSI2: the
 * admin's list of all payments, write-sharded so no single partition takes every payment, and every
 * owner's records of one phone.
 */
import type { CreateTableCommandInput, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

/** An item as the document client reads and writes it: attribute names to native values. */
export type Item = Record<string, NativeAttributeValue>;

/** An item's primary key. */
export interface ItemKey {
  PK: string;
  SK: string;
}

const gsi1 = { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' } as const;
const gsi2 = { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' } as const;

export const table = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'ttl',
  gsi1,
  gsi2,
  indexes: [gsi1, gsi2],
} as const;

export type Index = (typeof table.indexes)[number];

/** Time as the `ttl` attribute and the counters' windows hold it: whole seconds since the epoch. */
export const epochSeconds = (ms = Date.now()) => Math.floor(ms / 1000);

export const globalSecondaryIndex = (index: Index): GlobalSecondaryIndex => ({
  IndexName: index.indexName,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' },
    { AttributeName: index.sortKey, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'ALL' },
});

export const attributeDefinitions = () =>
  [table.partitionKey, table.sortKey, ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey])].map((AttributeName) => ({
    AttributeName,
    AttributeType: 'S' as const,
  }));

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions(),
    KeySchema: [
      { AttributeName: table.partitionKey, KeyType: 'HASH' },
      { AttributeName: table.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: table.indexes.map(globalSecondaryIndex),
  };
}
