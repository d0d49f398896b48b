/**
 * Key-value entries live in their owner's own partition KV#<userId>, with the key itself as the sort
 * key: isolation between users is the partition, listing in key order is a Query, and a prefix is
 * begins_with. Values are stored as the JSON text the client sent, so they come back exactly.
 * Every write also checks, in the same transaction, that the owner still exists (a write racing an
 * account deletion either lands before the deletion sweeps the partition or fails) and moves the
 * owner's usage counters (keys and bytes), conditioned on the quota, so concurrent writes are
 * counted exactly and cannot together pass it.
 */
import { JsonText } from '../json-text.ts';
import { deletePartition } from './batch.ts';
import { tableName } from './client.ts';
import { getItem } from './get-item.ts';
import { keys } from './keys.ts';
import { queryAll, queryPage } from './query.ts';
import type { Item } from './table.ts';
import { guard, ownerExists, transact } from './writes.ts';

export interface KvEntry {
  key: string;
  value: JsonText;
  version: number;
  created_at: string;
  updated_at: string;
}

/** The write would take the owner's store past its quota. */
export class QuotaExceeded extends Error {}

export interface KvQuota {
  maxKeys: number;
  maxBytes: number;
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
      Key: keys.kvUsage(userId),
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
    const item = await getItem(keys.kvEntry(userId, key));
    return item && fromItem(item);
  },

  /** Writes the value if the entry is still as read (`current` undefined: still absent) and it fits the quota. */
  async write(userId: string, key: string, valueJson: string, current: KvEntry | undefined, quota: KvQuota): Promise<KvEntry> {
    const now = new Date().toISOString();
    const entry = { key, version: (current?.version ?? 0) + 1, created_at: current?.created_at ?? now, updated_at: now };
    const byteDelta = entryBytes(key, valueJson) - (current ? entryBytes(key, current.value.text) : 0);
    const keyDelta = current ? 0 : 1;
    if (keyDelta > quota.maxKeys || byteDelta > quota.maxBytes) throw new QuotaExceeded();
    // A concurrent write (StaleVersion) wins over the quota: re-read, then judge the quota.
    await transact([
      ownerExists(userId),
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.kvEntry(userId, key), entity: 'kv', value_json: valueJson, version: entry.version, created_at: entry.created_at, updated_at: now },
          ...(current
            ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': current.version } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
      guard(usageUpdate(userId, keyDelta, byteDelta, quota), () => new QuotaExceeded()),
    ]);
    return { ...entry, value: new JsonText(valueJson) };
  },

  /** Deletes the entry if it is still as read, giving its room back. */
  async remove(userId: string, current: KvEntry): Promise<void> {
    await transact([
      {
        Delete: {
          TableName: tableName(),
          Key: keys.kvEntry(userId, current.key),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        },
      },
      usageUpdate(userId, -1, -entryBytes(current.key, current.value.text), { maxKeys: 0, maxBytes: 0 }),
    ]);
  },

  /** How much of the quota the owner uses. */
  async usage(userId: string): Promise<{ keys: number; bytes: number }> {
    const item = await getItem(keys.kvUsage(userId));
    return { keys: item?.keys ?? 0, bytes: item?.bytes ?? 0 };
  },

  /** One page of the owner's keys in key order, without their values. */
  async list(userId: string, prefix: string | undefined, limit: number, startKey?: Record<string, unknown>) {
    const { items, lastKey } = await queryPage(
      {
        KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.kvPartition(userId), ...(prefix && { ':prefix': prefix }) },
        ProjectionExpression: 'SK, version, created_at, updated_at',
        Limit: limit,
      },
      startKey,
    );
    return { items: items.map(({ SK, version, created_at, updated_at }) => ({ key: SK as string, version, created_at, updated_at })), lastKey };
  },

  /** Every entry of the owner with its value, in key order (the export: at most the quota's bytes). */
  async all(userId: string): Promise<KvEntry[]> {
    const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.kvPartition(userId) }, ConsistentRead: true });
    return items.map(fromItem);
  },

  /** Deletes every entry of a user, however many there are. */
  removeAll: (userId: string) => deletePartition(keys.kvPartition(userId)),
};
