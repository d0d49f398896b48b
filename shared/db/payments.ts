/**
 * Payment repository. A payment lives at PAYMENT#<id>. GSI1 lists one user's payments; GSI2 lists
 * all of them for admins, write-sharded over PAYMENT_SHARDS partitions (by the id's first hex digit)
 * so that no partition takes every new payment; an all-payments page queries each shard for at most
 * `limit` items and merges them, so its cost is bounded by shards × limit, never by the table.
 * The card number is stored only as AES-256-GCM ciphertext bound to its payment id.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { openField } from '../crypto/field-cipher.ts';
import type { PaymentStatus } from '../schemas/payments.ts';
import { db, tableName } from './client.ts';
import { getItem } from './get-item.ts';
import { keys, PAYMENT_SHARDS } from './keys.ts';
import { type Key, newestFirst, queryPage } from './query.ts';
import { fieldsOf, type Item, table } from './table.ts';
import { conditionally, type Guarded, ownerExists, StaleVersion, type TransactItem, transact } from './writes.ts';

export interface Payment {
  payment_id: string;
  user_id: string;
  amount_minor: number;
  currency: string;
  payment_method: string;
  card_no_sealed: string;
  card_brand: string;
  card_last4: string;
  /** YYYY-MM */
  card_expiry: string;
  status: PaymentStatus;
  description?: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** Where each shard's listing stands: a start key, null (from the top) or 'done'. */
export type ShardPositions = (Key | null | 'done')[];

export const cardContext = (paymentId: string) => `payment:${paymentId}:card_no`;
const shardOf = (paymentId: string) => parseInt(paymentId.charAt(0), 16) % PAYMENT_SHARDS;

const toItem = (p: Payment) => ({
  ...keys.payment(p.payment_id),
  entity: 'payment',
  GSI1PK: keys.paymentsOfUser(p.user_id),
  GSI1SK: `${p.created_at}#${p.payment_id}`,
  GSI2PK: keys.paymentsShard(shardOf(p.payment_id)),
  GSI2SK: `${p.created_at}#${p.payment_id}`,
  ...p,
});

const fromItem = (item: Item) => fieldsOf(item) as Payment;

const indexKey = (item: Item, index: typeof table.gsi1 | typeof table.gsi2): Key => ({
  PK: item.PK,
  SK: item.SK,
  [index.partitionKey]: item[index.partitionKey],
  [index.sortKey]: item[index.sortKey],
});

export const payments = {
  /** Writes a new payment for an existing user (else OwnerGone), plus any items that must commit with it. */
  async create(payment: Payment, withItems: (TransactItem | Guarded)[] = []): Promise<void> {
    await transact([
      ownerExists(payment.user_id),
      { Put: { TableName: tableName(), Item: toItem(payment), ConditionExpression: 'attribute_not_exists(PK)' } },
      ...withItems,
    ]);
  },

  async get(paymentId: string): Promise<Payment | undefined> {
    const item = await getItem(keys.payment(paymentId));
    return item && fromItem(item);
  },

  async listForUser(userId: string, limit: number, startKey?: Key) {
    const { items, lastKey } = await queryPage({ ...newestFirst(table.gsi1, keys.paymentsOfUser(userId)), Limit: limit }, startKey);
    return { items: items.map(fromItem), lastKey };
  },

  /** Newest first across all shards: each shard reads at most `limit`, the merge keeps the newest `limit`. */
  async listAll(limit: number, start?: { shards: ShardPositions }) {
    const positions = start?.shards ?? Array<ShardPositions[number]>(PAYMENT_SHARDS).fill(null);
    const shards = await Promise.all(
      positions.map(async (position, shard) => ({
        position,
        ...(position === 'done'
          ? { items: [], lastKey: undefined }
          : await queryPage({ ...newestFirst(table.gsi2, keys.paymentsShard(shard)), Limit: limit }, position ?? undefined)),
      })),
    );
    const merged = shards
      .flatMap(({ items }, shard) => items.map((item, index) => ({ item, shard, index })))
      .sort((a, b) => (a.item.GSI2SK < b.item.GSI2SK ? 1 : -1))
      .slice(0, limit);
    const next: ShardPositions = shards.map(({ position, items, lastKey }, shard) => {
      const used = merged.filter((m) => m.shard === shard).length;
      if (used === items.length) return lastKey ?? 'done';
      const lastUsed = items[used - 1];
      return lastUsed ? indexKey(lastUsed, table.gsi2) : position;
    });
    return { items: merged.map((m) => fromItem(m.item)), lastKey: next.every((p) => p === 'done') ? undefined : { shards: next } };
  },

  /** Writes `next` over `current` if nobody changed it meanwhile. */
  async replace(current: Payment, next: Payment): Promise<void> {
    const written = await conditionally(() =>
      db.send(
        new PutCommand({
          TableName: tableName(),
          Item: toItem(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        }),
      ),
    );
    if (!written) throw new StaleVersion();
  },

  /** Deletes a payment that is still pending and unchanged. */
  async remove(payment: Payment): Promise<void> {
    const deleted = await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: keys.payment(payment.payment_id),
          ConditionExpression: 'version = :version AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':version': payment.version, ':pending': 'pending' },
        }),
      ),
    );
    if (!deleted) throw new StaleVersion();
  },

  /** The full card number, for a payment processor; never returned by the API. */
  async cardNumberOf(payment: Payment): Promise<string> {
    return openField(payment.card_no_sealed, cardContext(payment.payment_id));
  },
};
