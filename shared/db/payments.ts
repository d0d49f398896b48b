/**
 * The payment entity: everything about how a payment is stored, found and shown, in one place.
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `PAYMENT#<payment_id>`, `PAYMENT` |
 * | GSI1PK, GSI1SK | `USER#<user_id>#PAYMENTS`, `<created_at>#<payment_id>`: one user's payments, newest first |
 * | GSI2PK, GSI2SK | `PAYMENTS#<shard 0-3>`, `<created_at>#<payment_id>`: everyone's, for admins, write-sharded by the id's first hex digit |
 * | entity | `payment` |
 * | payment_id, user_id, payment_method, status, description?, version, created_at, updated_at | as they are |
 * | amount_minor, currency | the Money |
 * | card_no_sealed | the card number, AES-256-GCM bound to the payment id (a copy on another payment does not decrypt) |
 * | card_brand, card_last4, card_expiry | the rest of the card (the expiry as YYYY-MM); never the CVC |
 *
 * An all-payments page queries each shard for at most `limit` items and merges them, so its cost is
 * bounded by shards × limit, never by the table. Payments stay when their user is deleted: they are
 * financial records.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { maskedCardNumber } from '../domain/card.ts';
import { majorUnits } from '../domain/money.ts';
import type { Payment } from '../domain/payment.ts';
import type { PublicPayment } from '../schemas/payments.ts';
import { db, tableName } from './client.ts';
import { everything, type Key, newestFirst, pages, queryPage } from './query.ts';
import { batchedGet } from './read-batch.ts';
import { type Index, type Item, table } from './table.ts';
import { ownerExists } from './user-partition.ts';
import { conditionally, type Guarded, StaleVersion, type TransactItem, transact } from './writes.ts';

const SHARDS = 4;
const shardOf = (paymentId: string) => parseInt(paymentId.charAt(0), 16) % SHARDS;

export const paymentKeys = {
  item: (paymentId: string) => ({ PK: `PAYMENT#${paymentId}`, SK: 'PAYMENT' }),
  /** GSI1: one user's payments. */
  ofUser: (userId: string) => `USER#${userId}#PAYMENTS`,
  /** GSI2: everyone's payments, one of SHARDS partitions. */
  shard: (shard: number) => `PAYMENTS#${shard}`,
};

/** The associated data a payment's card number is sealed with. */
export const cardContext = (paymentId: string) => `payment:${paymentId}:card_no`;

async function toItem({ payment_id, user_id, amount, card, ...rest }: Payment): Promise<Item> {
  const newestFirst = `${rest.created_at}#${payment_id}`;
  return {
    ...paymentKeys.item(payment_id),
    GSI1PK: paymentKeys.ofUser(user_id),
    GSI1SK: newestFirst,
    GSI2PK: paymentKeys.shard(shardOf(payment_id)),
    GSI2SK: newestFirst,
    entity: 'payment',
    payment_id,
    user_id,
    amount_minor: amount.minor,
    currency: amount.currency,
    card_no_sealed: 'digits' in card ? await sealField(card.digits, cardContext(payment_id)) : card.sealed,
    card_brand: card.brand,
    card_last4: card.last4,
    card_expiry: card.expiryMonth,
    ...rest,
  };
}

const fromItem = (item: Item): Payment => ({
  payment_id: item.payment_id,
  user_id: item.user_id,
  amount: { minor: item.amount_minor, currency: item.currency },
  payment_method: item.payment_method,
  card: { sealed: item.card_no_sealed, brand: item.card_brand, last4: item.card_last4, expiryMonth: item.card_expiry },
  status: item.status,
  ...(item.description !== undefined && { description: item.description }),
  version: item.version,
  created_at: item.created_at,
  updated_at: item.updated_at,
});

/** What the API answers: the card masked, the CVC never kept, the amount in both units. */
export const toPublicPayment = ({ amount, card, ...p }: Payment): PublicPayment => ({
  payment_id: p.payment_id,
  user_id: p.user_id,
  amount: majorUnits(amount),
  amount_minor: amount.minor,
  currency: amount.currency,
  payment_method: p.payment_method,
  card_no: maskedCardNumber(card.last4),
  card_brand: card.brand,
  card_last4: card.last4,
  card_expiry: card.expiryMonth,
  status: p.status,
  ...(p.description !== undefined && { description: p.description }),
  version: p.version,
  created_at: p.created_at,
  updated_at: p.updated_at,
});

/** Where each shard's listing stands: a start key, null (from the top) or 'done'. */
export type ShardPositions = (Key | null | 'done')[];

const indexKey = (item: Item, index: Index): Key => ({
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
      { Put: { TableName: tableName(), Item: await toItem(payment), ConditionExpression: 'attribute_not_exists(PK)' } },
      ...withItems,
    ]);
  },

  async get(paymentId: string): Promise<Payment | undefined> {
    const item = await batchedGet(paymentKeys.item(paymentId));
    return item && fromItem(item);
  },

  async listForUser(userId: string, limit: number, startKey?: Key) {
    const { items, lastKey } = await queryPage({ ...newestFirst(table.gsi1, paymentKeys.ofUser(userId)), Limit: limit }, startKey);
    return { items: items.map(fromItem), lastKey };
  },

  /** Every payment of a user, newest first (the export). */
  allForUser: async (userId: string) => (await everything(pages(newestFirst(table.gsi1, paymentKeys.ofUser(userId))))).map(fromItem),

  /** Newest first across all shards: each shard reads at most `limit`, the merge keeps the newest `limit`. */
  async listAll(limit: number, start?: { shards: ShardPositions }) {
    const positions = start?.shards ?? Array<ShardPositions[number]>(SHARDS).fill(null);
    const shards = await Promise.all(
      positions.map(async (position, shard) => ({
        position,
        ...(position === 'done'
          ? { items: [], lastKey: undefined }
          : await queryPage({ ...newestFirst(table.gsi2, paymentKeys.shard(shard)), Limit: limit }, position ?? undefined)),
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

  /** Writes `next` over `current` if nobody changed it meanwhile (else StaleVersion). */
  async replace(current: Payment, next: Payment): Promise<void> {
    const written = await conditionally(async () =>
      db.send(
        new PutCommand({
          TableName: tableName(),
          Item: await toItem(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        }),
      ),
    );
    if (!written.written) throw new StaleVersion();
  },

  /** Deletes a payment that is still pending and unchanged (else StaleVersion). */
  async remove(payment: Payment): Promise<void> {
    const deleted = await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: paymentKeys.item(payment.payment_id),
          ConditionExpression: 'version = :version AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':version': payment.version, ':pending': 'pending' },
        }),
      ),
    );
    if (!deleted.written) throw new StaleVersion();
  },

  /** The full card number, for a payment processor; never answered by the API. */
  async cardNumberOf(payment: Payment): Promise<string> {
    const { card } = payment;
    return 'digits' in card ? card.digits : openField(card.sealed, cardContext(payment.payment_id));
  },
};
