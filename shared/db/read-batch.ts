/**
 * The read batch. Every item read by key goes through `batchedGet`, and the reads asked for in one
 * turn of the event loop (until setImmediate) leave as one BatchGetItem: a read route's session
 * check and its own read cost one round trip (shared/http/handler.ts runs them side by side).
 * Reads are strongly consistent: a client reads back what it just wrote (ETags, If-Match), and a
 * closed session is closed at once. (DataLoader does the same, but caches per instance and schedules
 * on the microtask queue, which the session check, started a few awaits earlier, would miss.)
 */
import { type AttributeValue, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { untilProcessed } from './batch.ts';
import { dynamo, tableName } from './client.ts';
import type { Item, ItemKey } from './table.ts';

interface Pending {
  key: ItemKey;
  resolve: (item: Item | undefined) => void;
  reject: (error: unknown) => void;
}

const MAX_KEYS = 100;
let queue: Pending[] = [];
const idOf = (key: ItemKey) => `${key.PK}\u0000${key.SK}`;
type RawKey = Record<'PK' | 'SK', { S: string }>;
const rawKey = ({ PK, SK }: ItemKey): RawKey => ({ PK: { S: PK }, SK: { S: SK } });
const rawIdOf = (item: Record<string, AttributeValue>) => `${item.PK?.S}\u0000${item.SK?.S}`;

async function fetchBatch(pending: Pending[]): Promise<void> {
  const found = new Map<string, Item>();
  try {
    // The low-level client with keys marshalled here: the document client's generic marshalling and
    // its middleware were a third of a single-item read's own time (profiled).
    await untilProcessed([...new Map(pending.map((p) => [idOf(p.key), rawKey(p.key)])).values()], async (keys) => {
      const { Responses, UnprocessedKeys } = await dynamo.send(
        new BatchGetItemCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of Responses?.[tableName()] ?? []) found.set(rawIdOf(item), unmarshall(item) as Item);
      return (UnprocessedKeys?.[tableName()]?.Keys ?? []) as RawKey[];
    });
    for (const p of pending) p.resolve(found.get(idOf(p.key)));
  } catch (error) {
    for (const p of pending) p.reject(error);
  }
}

function sendWaiting(): void {
  const pending = queue;
  queue = [];
  for (let i = 0; i < pending.length; i += MAX_KEYS) void fetchBatch(pending.slice(i, i + MAX_KEYS));
}

/** The item with this key (undefined when there is none), read in this turn's batch. */
export function batchedGet(key: ItemKey): Promise<Item | undefined> {
  return new Promise((resolve, reject) => {
    if (queue.push({ key: { PK: key.PK, SK: key.SK }, resolve, reject }) > 1) return;
    setImmediate(sendWaiting);
  });
}

// Another call leaving (a list's Query) takes the waiting reads along at once: held until setImmediate,
// they would leave only after that call's whole signing and sending, a millisecond later (profiled).
dynamo.middlewareStack.add(
  (next, context) => (args) => {
    if (context.commandName !== 'BatchGetItemCommand') sendWaiting();
    return next(args);
  },
  { step: 'initialize', name: 'sendWaitingReads' },
);
