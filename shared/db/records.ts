/**
 * Health records. A record belongs to the account that made it, and its id is a keyed hash
 * (HMAC-SHA256 under the secret pepper) of owner and phone: "one record per phone per owner" is a
 * conditional put, and an owner's lookup is a GetItem that no other account's record can affect.
 * The phone itself is never stored. Its own keyed hash is the record's GSI2 partition, so an admin
 * finds every owner's record of a phone with a Query; GSI1 lists an owner's records (and is how
 * an account's records are removed with it). The key id that made the hashes is kept: after a
 * rotation, a record made under an older key is still found and still counts as its owner's.
 * The health data (name, date of birth, height, weight) is one AES-256-GCM field bound to the record id.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { deleteKeys } from './batch.ts';
import { db, tableName } from './client.ts';
import { getItem } from './get-item.ts';
import { keys } from './keys.ts';
import { type Key, newestFirst, queryPage } from './query.ts';
import { fieldsOf, type Item, table } from './table.ts';
import { conditionally, guard, ownerExists, transact } from './writes.ts';

export interface HealthRecord {
  record_id: string;
  /** The owner: the account that created the record. */
  user_id: string;
  key_id: string;
  name: string;
  dob: string;
  height: number;
  weight: number;
  created_at: string;
}

/** A record as read, its details still sealed: whose it is can be checked before anything is opened. */
export type SealedRecord = Omit<HealthRecord, 'name' | 'dob' | 'height' | 'weight'> & { details_sealed: string };

type Index = typeof table.gsi1 | typeof table.gsi2;
/** Where a lookup across a phone's hashes (one per pepper) stands: which hash, and where within it. */
export type PhonePosition = { hash: number; key?: Key };

export class RecordExists extends Error {}

export const detailsContext = (recordId: string) => `record:${recordId}:details`;

async function toItem({ name, dob, height, weight, ...record }: HealthRecord, phoneHash: string) {
  const details_sealed = await sealField(JSON.stringify({ name, dob, height, weight }), detailsContext(record.record_id));
  const newestFirst = `${record.created_at}#${record.record_id}`;
  return {
    ...keys.record(record.record_id),
    entity: 'record',
    GSI1PK: keys.recordsOfOwner(record.user_id),
    GSI1SK: newestFirst,
    GSI2PK: keys.recordsOfPhone(phoneHash),
    GSI2SK: newestFirst,
    ...record,
    details_sealed,
  };
}

const sealed = (item: Item) => fieldsOf(item) as SealedRecord;

async function unseal({ details_sealed, ...record }: SealedRecord): Promise<HealthRecord> {
  return { ...record, ...JSON.parse(await openField(details_sealed, detailsContext(record.record_id))) };
}

/** Deletes every record in one partition of an index, page by page; the number deleted. */
async function removeIndexed(index: Index, partition: string): Promise<number> {
  let removed = 0;
  let startKey: Key | undefined;
  do {
    const page = await queryPage({ ...newestFirst(index, partition), ProjectionExpression: 'PK, SK' }, startKey);
    await deleteKeys(page.items);
    removed += page.items.length;
    startKey = page.lastKey;
  } while (startKey);
  return removed;
}

export const records = {
  /**
   * Writes a new record of an existing owner. `olderIds`: the same owner and phone under retired
   * peppers, which must not exist either.
   */
  async create(record: HealthRecord, phoneHash: string, olderIds: string[]): Promise<void> {
    const recordExists = () => new RecordExists();
    await transact([
      ownerExists(record.user_id),
      guard({ Put: { TableName: tableName(), Item: await toItem(record, phoneHash), ConditionExpression: 'attribute_not_exists(PK)' } }, recordExists),
      ...olderIds.map((id) =>
        guard({ ConditionCheck: { TableName: tableName(), Key: keys.record(id), ConditionExpression: 'attribute_not_exists(PK)' } }, recordExists),
      ),
    ]);
  },

  async get(recordId: string): Promise<SealedRecord | undefined> {
    const item = await getItem(keys.record(recordId));
    return item && sealed(item);
  },

  /** The records among these ids that exist (one BatchGetItem). */
  async getMany(recordIds: string[]): Promise<SealedRecord[]> {
    const found = await Promise.all(recordIds.map((id) => records.get(id)));
    return found.filter((record) => record !== undefined);
  },

  unseal,

  /** One page of an owner's records, newest first. */
  async listOfOwner(userId: string, limit: number, startKey?: Key) {
    const { items, lastKey } = await queryPage({ ...newestFirst(table.gsi1, keys.recordsOfOwner(userId)), Limit: limit }, startKey);
    return { items: await Promise.all(items.map((item) => unseal(sealed(item)))), lastKey };
  },

  /** One page of every owner's records of a phone: its hashes under each pepper, one after the other. */
  async listOfPhone(phoneHashes: string[], limit: number, from: PhonePosition = { hash: 0 }) {
    const items: Item[] = [];
    let { hash, key } = from;
    while (items.length < limit) {
      const phoneHash = phoneHashes[hash];
      if (phoneHash === undefined) break;
      const page = await queryPage({ ...newestFirst(table.gsi2, keys.recordsOfPhone(phoneHash)), Limit: limit - items.length }, key);
      items.push(...page.items);
      key = page.lastKey;
      if (!key) hash++;
    }
    const next: PhonePosition | undefined = hash < phoneHashes.length ? { hash, key } : undefined;
    return { items: await Promise.all(items.map((item) => unseal(sealed(item)))), lastKey: next };
  },

  /** True when a record was deleted; with `userId`, only if that account owns it. */
  async remove(recordId: string, userId?: string): Promise<boolean> {
    const deleted = await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: keys.record(recordId),
          ...(userId
            ? { ConditionExpression: 'user_id = :owner', ExpressionAttributeValues: { ':owner': userId } }
            : { ConditionExpression: 'attribute_exists(PK)' }),
        }),
      ),
    );
    return deleted !== undefined;
  },

  /** Deletes every owner's record of a phone (all its hashes); the number deleted. */
  async removeAllOfPhone(phoneHashes: string[]): Promise<number> {
    const counts = await Promise.all(phoneHashes.map((hash) => removeIndexed(table.gsi2, keys.recordsOfPhone(hash))));
    return counts.reduce((sum, n) => sum + n, 0);
  },

  /**
   * Deletes every record of an owner, however many: for the deletion of their account. GSI1 is
   * eventually consistent, so call it once the profile is gone (create checks the owner exists).
   */
  removeAllOf: (userId: string) => removeIndexed(table.gsi1, keys.recordsOfOwner(userId)),
};
