/**
 * Key-value entries live in their owner's own partition KV#<userId>, with the key itself as the sort
 * key: isolation between users is the partition, listing in key order is a Query, and a prefix is
 * begins_with. Values are stored as their JSON text, so any JSON value comes back exactly.
 * Every write also checks, in the same transaction, that the owner still exists: a write racing an
 * account deletion either lands before the deletion sweeps the partition or fails.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { deletePartition } from './batch.ts';
import { db, TABLE } from './client.ts';
import { getItem } from './get-item.ts';
import { keys } from './keys.ts';
import { StaleVersion, transact, TransactionConditionFailed } from './transact.ts';

export interface KvEntry {
  key: string;
  value: unknown;
  version: number;
  created_at: string;
  updated_at: string;
}

export class OwnerGone extends Error {}

const fromItem = ({ SK, value_json, version, created_at, updated_at }: Record<string, any>): KvEntry => ({
  key: SK,
  value: JSON.parse(value_json),
  version,
  created_at,
  updated_at,
});

export const kv = {
  async get(userId: string, key: string): Promise<KvEntry | undefined> {
    const item = await getItem(keys.kvEntry(userId, key));
    return item && fromItem(item);
  },

  /** Writes `value` if the entry is still as read (`current` undefined: still absent). */
  async write(userId: string, key: string, valueJson: string, current: KvEntry | undefined): Promise<KvEntry> {
    const now = new Date().toISOString();
    const entry = { key, version: (current?.version ?? 0) + 1, created_at: current?.created_at ?? now, updated_at: now };
    try {
      await transact([
        { ConditionCheck: { TableName: TABLE, Key: keys.user(userId), ConditionExpression: 'attribute_exists(PK)' } },
        {
          Put: {
            TableName: TABLE,
            Item: { ...keys.kvEntry(userId, key), entity: 'kv', value_json: valueJson, version: entry.version, created_at: entry.created_at, updated_at: now },
            ...(current
              ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': current.version } }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          },
        },
      ]);
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw error.failed.includes(0) ? new OwnerGone() : new StaleVersion();
      throw error;
    }
    return { ...entry, value: JSON.parse(valueJson) };
  },

  /** Deletes the entry if it is still at `version`. */
  async remove(userId: string, key: string, version: number): Promise<void> {
    try {
      await db.send(
        new DeleteCommand({
          TableName: TABLE,
          Key: keys.kvEntry(userId, key),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': version },
        }),
      );
    } catch (error) {
      throw error instanceof ConditionalCheckFailedException ? new StaleVersion() : error;
    }
  },

  /** One page of the owner's keys in key order, without their values. */
  async list(userId: string, prefix: string | undefined, limit: number, startKey?: Record<string, unknown>) {
    const { Items = [], LastEvaluatedKey } = await db.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.kvPartition(userId), ...(prefix && { ':prefix': prefix }) },
        ProjectionExpression: 'SK, version, created_at, updated_at',
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      entries: Items.map(({ SK, version, created_at, updated_at }) => ({ key: SK as string, version, created_at, updated_at })),
      lastKey: LastEvaluatedKey,
    };
  },

  /** Deletes every entry of a user, however many there are. */
  removeAll: (userId: string) => deletePartition(keys.kvPartition(userId)),
};
