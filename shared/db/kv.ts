/**
 * The key-value entities: a user's entries, and their usage against the quota.
 *
 * | item | PK, SK | attributes |
 * | --- | --- | --- |
 * | entry | `KV#<user_id>`, the key itself (up to 1,024 bytes) | entity `kv`, value_json (the JSON text as sent), version, created_at, updated_at |
 * | usage | `USER#<user_id>`, `KV_USAGE` (the account's partition: user-partition.ts) | keys, bytes |
 *
 * Isolation between users is the partition, listing in key order is a Query, a prefix is begins_with;
 * values come back exactly as sent. Every write also checks, in the same transaction, that the owner
 * still exists (a write racing an account deletion either lands before the deletion sweeps the
 * partition or fails) and moves the usage, conditioned on the quota, so concurrent writes are counted
 * exactly and cannot together pass it.
 */

import { Conflict } from '../errors.ts';
import { JsonText } from '../json-text.ts';
import { deleteFound } from './batch.ts';
import { tableName } from './client.ts';
import { everything, inPartition, type Key, pages, queryPage } from './query.ts';
import { batchedGet } from './read-batch.ts';
import type { Item } from './table.ts';
import { ownerExists, userPartition } from './user-partition.ts';
import { guard, transact } from './writes.ts';

export const kvKeys = {
  partition: (userId: string) => `KV#${userId}`,
  entry: (userId: string, key: string) => ({ PK: kvKeys.partition(userId), SK: key }),
  usage: (userId: string) => ({ PK: userPartition(userId), SK: 'KV_USAGE' }),
};

/** An entry as the API answers it. */
export interface KvEntry {
  key: string;
  value: JsonText;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface KvQuota {
  maxKeys: number;
  maxBytes: number;
}

/** The write would take the owner's store past its quota. */
export class QuotaExceeded extends Conflict {
  constructor(quota: KvQuota) {
    super(`Your key-value store is full: at most ${quota.maxKeys} keys and ${quota.maxBytes} bytes of keys and values in all. Delete entries to make room.`);
  }
}

/** What an entry counts against the quota: its key and its value, in UTF-8 bytes. */
export const entryBytes = (key: string, valueText: string) => Buffer.byteLength(key, 'utf8') + Buffer.byteLength(valueText, 'utf8');

const fromItem = ({ SK, value_json, version, created_at, updated_at }: Item): KvEntry => ({
  key: SK,
  value: new JsonText(value_json),
  version,
  created_at,
  updated_at,
});

/** Moves the owner's usage by (keys, bytes); a growth must fit the quota, a shrink always passes. */
function usageUpdate(userId: string, keyDelta: number, byteDelta: number, quota: KvQuota) {
  const grows = keyDelta > 0 || byteDelta > 0;
  return {
    Update: {
      TableName: tableName(),
      Key: kvKeys.usage(userId),
      UpdateExpression: 'ADD #keys :keys, #bytes :bytes',
      ...(grows && {
        // DynamoDB conditions cannot add, so the room left is computed here: usage <= limit - delta.
        ConditionExpression: '(attribute_not_exists(#keys) OR #keys <= :keysRoom) AND (attribute_not_exists(#bytes) OR #bytes <= :bytesRoom)',
      }),
      ExpressionAttributeNames: { '#keys': 'keys', '#bytes': 'bytes' },
      ExpressionAttributeValues: {
        ':keys': keyDelta,
        ':bytes': byteDelta,
        ...(grows && { ':keysRoom': quota.maxKeys - keyDelta, ':bytesRoom': quota.maxBytes - byteDelta }),
      },
    },
  };
}

export const kv = {
  async get(userId: string, key: string): Promise<KvEntry | undefined> {
    const item = await batchedGet(kvKeys.entry(userId, key));
    return item && fromItem(item);
  },

  /** Writes the value if the entry is still as read (`current` undefined: still absent) and it fits the quota (else QuotaExceeded). */
  async write(userId: string, key: string, valueJson: string, current: KvEntry | undefined, quota: KvQuota): Promise<KvEntry> {
    const now = new Date().toISOString();
    const entry = { key, version: (current?.version ?? 0) + 1, created_at: current?.created_at ?? now, updated_at: now };
    const byteDelta = entryBytes(key, valueJson) - (current ? entryBytes(key, current.value.text) : 0);
    const keyDelta = current ? 0 : 1;
    if (keyDelta > quota.maxKeys || byteDelta > quota.maxBytes) throw new QuotaExceeded(quota);
    // A concurrent write (StaleVersion) wins over the quota: re-read, then judge the quota.
    await transact([
      ownerExists(userId),
      {
        Put: {
          TableName: tableName(),
          Item: { ...kvKeys.entry(userId, key), entity: 'kv', value_json: valueJson, version: entry.version, created_at: entry.created_at, updated_at: now },
          ...(current
            ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': current.version } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
      guard(usageUpdate(userId, keyDelta, byteDelta, quota), () => new QuotaExceeded(quota)),
    ]);
    return { ...entry, value: new JsonText(valueJson) };
  },

  /** Deletes the entry if it is still as read, giving its room back. */
  async remove(userId: string, current: KvEntry): Promise<void> {
    await transact([
      {
        Delete: {
          TableName: tableName(),
          Key: kvKeys.entry(userId, current.key),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        },
      },
      usageUpdate(userId, -1, -entryBytes(current.key, current.value.text), { maxKeys: 0, maxBytes: 0 }),
    ]);
  },

  /** How much of the quota the owner uses. */
  async usage(userId: string): Promise<{ keys: number; bytes: number }> {
    const item = await batchedGet(kvKeys.usage(userId));
    return { keys: item?.keys ?? 0, bytes: item?.bytes ?? 0 };
  },

  /** One page of the owner's keys in key order, without their values. */
  async list(userId: string, prefix: string | undefined, limit: number, startKey?: Key) {
    const { items, lastKey } = await queryPage(
      { ...inPartition(kvKeys.partition(userId), prefix), ProjectionExpression: 'SK, version, created_at, updated_at', Limit: limit },
      startKey,
    );
    return { items: items.map(({ SK, version, created_at, updated_at }) => ({ key: SK as string, version, created_at, updated_at })), lastKey };
  },

  /** Every entry of the owner with its value, in key order (the export: at most the quota's bytes). */
  all: async (userId: string): Promise<KvEntry[]> =>
    (await everything(pages({ ...inPartition(kvKeys.partition(userId)), ConsistentRead: true }))).map(fromItem),

  /** Deletes every entry of a user, however many there are. */
  removeAll: (userId: string) => deleteFound(inPartition(kvKeys.partition(userId))),
};
