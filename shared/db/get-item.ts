/**
 * GetItem, batched: every read asked for before the event loop next turns (setImmediate) goes to
 * DynamoDB as one BatchGetItem. A read route's session check and its own read are issued together,
 * so checking the session costs no extra round trip. Reads are strongly consistent: a client that
 * wrote something reads it back (ETags, If-Match), and a closed session is closed at once.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { untilProcessed } from './batch.ts';
import { db, tableName } from './client.ts';
import type { Item } from './table.ts';

type Key = { PK: string; SK: string };
interface Pending {
  key: Key;
  resolve: (item: Item | undefined) => void;
  reject: (error: unknown) => void;
}

const MAX_KEYS = 100;
let queue: Pending[] = [];
const idOf = (key: Key) => `${key.PK}\u0000${key.SK}`;

async function fetchBatch(pending: Pending[]): Promise<void> {
  const found = new Map<string, Item>();
  try {
    await untilProcessed([...new Map(pending.map((p) => [idOf(p.key), p.key])).values()], async (keys) => {
      const { Responses, UnprocessedKeys } = await db.send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }));
      for (const item of Responses?.[tableName()] ?? []) found.set(idOf(item as Key), item);
      return (UnprocessedKeys?.[tableName()]?.Keys ?? []) as Key[];
    });
    for (const p of pending) p.resolve(found.get(idOf(p.key)));
  } catch (error) {
    for (const p of pending) p.reject(error);
  }
}

export function getItem(key: Key): Promise<Item | undefined> {
  return new Promise((resolve, reject) => {
    if (queue.push({ key: { PK: key.PK, SK: key.SK }, resolve, reject }) > 1) return;
    setImmediate(() => {
      const pending = queue;
      queue = [];
      for (let i = 0; i < pending.length; i += MAX_KEYS) void fetchBatch(pending.slice(i, i + MAX_KEYS));
    });
  });
}
