/**
 * The health record entity. A record belongs to the account that made it; its id is a keyed hash
 * (HMAC-SHA256 under the secret pepper) of owner and phone, so "one record per phone per owner" is a
 * conditional put, and an owner's lookup is a GetItem that no other account's record can affect.
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `RECORD#<record_id>`, `RECORD` |
 * | GSI1PK, GSI1SK | `USER#<user_id>#RECORDS`, `<created_at>#<record_id>`: an owner's records, newest first (and what the account's deletion removes) |
 * | GSI2PK, GSI2SK | `RECORDS#<keyed hash of the phone>`, `<created_at>#<record_id>`: every owner's record of a phone (an admin's lookup) |
 * | entity | `record` |
 * | record_id, user_id (the owner), key_id (the pepper that made the hashes), created_at | as they are |
 * | details_sealed | name, dob, height, weight: one AES-256-GCM field bound to the record id |
 *
 * The phone itself is never stored. After a rotation, a record made under an older pepper is still
 * found (its key id is kept) and still counts as its owner's.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { Conflict } from '../errors.ts';
import type { PublicRecord } from '../schemas/records.ts';
import { deleteFound } from './batch.ts';
import { db, tableName } from './client.ts';
import { everything, type Key, newestFirst, pages, queryPage } from './query.ts';
import { batchedGet } from './read-batch.ts';
import { type Item, table } from './table.ts';
import { ownerExists } from './user-partition.ts';
import { conditionally, guard, transact } from './writes.ts';

export const recordKey = (recordId: string) => ({ PK: `RECORD#${recordId}`, SK: 'RECORD' });
const ownerPartition = (userId: string) => `USER#${userId}#RECORDS`;
const phonePartition = (phoneHash: string) => `RECORDS#${phoneHash}`;
const ofOwner = (userId: string) => newestFirst(table.gsi1, ownerPartition(userId));
const ofPhone = (phoneHash: string) => newestFirst(table.gsi2, phonePartition(phoneHash));

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

/** Where a lookup across a phone's hashes (one per pepper) stands: which hash, and where within it. */
export type PhonePosition = { hash: number; key?: Key };

/** The owner already has a record of this phone. */
export class RecordExists extends Conflict {
  constructor() {
    super('You already have a record for this phone.');
  }
}

/** The associated data a record's details are sealed with. */
export const detailsContext = (recordId: string) => `record:${recordId}:details`;

async function toItem({ name, dob, height, weight, ...record }: HealthRecord, phoneHash: string): Promise<Item> {
  const newestFirst = `${record.created_at}#${record.record_id}`;
  return {
    ...recordKey(record.record_id),
    GSI1PK: ownerPartition(record.user_id),
    GSI1SK: newestFirst,
    GSI2PK: phonePartition(phoneHash),
    GSI2SK: newestFirst,
    entity: 'record',
    ...record,
    details_sealed: await sealField(JSON.stringify({ name, dob, height, weight }), detailsContext(record.record_id)),
  };
}

const sealed = ({ record_id, user_id, key_id, created_at, details_sealed }: Item): SealedRecord => ({ record_id, user_id, key_id, created_at, details_sealed });

async function unseal({ details_sealed, ...record }: SealedRecord): Promise<HealthRecord> {
  return { ...record, ...JSON.parse(await openField(details_sealed, detailsContext(record.record_id))) };
}

const opened = (item: Item) => unseal(sealed(item));

/** What the API answers about a record: never the phone (it is not stored), nor the pepper's key id. */
export const toPublicRecord = ({ key_id: _keyId, ...record }: HealthRecord): PublicRecord => record;

export const records = {
  /**
   * Writes a new record of an existing owner. `olderIds`: the same owner and phone under retired
   * peppers, which must not exist either (else RecordExists).
   */
  async create(record: HealthRecord, phoneHash: string, olderIds: string[]): Promise<void> {
    const recordExists = () => new RecordExists();
    await transact([
      ownerExists(record.user_id),
      guard({ Put: { TableName: tableName(), Item: await toItem(record, phoneHash), ConditionExpression: 'attribute_not_exists(PK)' } }, recordExists),
      ...olderIds.map((id) =>
        guard({ ConditionCheck: { TableName: tableName(), Key: recordKey(id), ConditionExpression: 'attribute_not_exists(PK)' } }, recordExists),
      ),
    ]);
  },

  async get(recordId: string): Promise<SealedRecord | undefined> {
    const item = await batchedGet(recordKey(recordId));
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
    const { items, lastKey } = await queryPage({ ...ofOwner(userId), Limit: limit }, startKey);
    return { items: await Promise.all(items.map(opened)), lastKey };
  },

  /** Every record of an owner, newest first (the export). */
  allOfOwner: async (userId: string) => Promise.all((await everything(pages(ofOwner(userId)))).map(opened)),

  /** One page of every owner's records of a phone: its hashes under each pepper, one after the other. */
  async listOfPhone(phoneHashes: string[], limit: number, from: PhonePosition = { hash: 0 }) {
    const items: Item[] = [];
    let { hash, key } = from;
    while (items.length < limit) {
      const phoneHash = phoneHashes[hash];
      if (phoneHash === undefined) break;
      const page = await queryPage({ ...ofPhone(phoneHash), Limit: limit - items.length }, key);
      items.push(...page.items);
      key = page.lastKey;
      if (!key) hash++;
    }
    const next: PhonePosition | undefined = hash < phoneHashes.length ? { hash, key } : undefined;
    return { items: await Promise.all(items.map(opened)), lastKey: next };
  },

  /** True when a record was deleted; with `userId`, only if that account owns it. */
  async remove(recordId: string, userId?: string): Promise<boolean> {
    const deleted = await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: recordKey(recordId),
          ...(userId
            ? { ConditionExpression: 'user_id = :owner', ExpressionAttributeValues: { ':owner': userId } }
            : { ConditionExpression: 'attribute_exists(PK)' }),
        }),
      ),
    );
    return deleted.written;
  },

  /** Deletes every owner's record of a phone (all its hashes); the number deleted. */
  async removeAllOfPhone(phoneHashes: string[]): Promise<number> {
    const counts = await Promise.all(phoneHashes.map((hash) => deleteFound(ofPhone(hash))));
    return counts.reduce((sum, n) => sum + n, 0);
  },

  /**
   * Deletes every record of an owner, however many: for the deletion of their account. GSI1 is
   * eventually consistent, so call it once the profile is gone (create checks the owner exists).
   */
  removeAllOf: (userId: string) => deleteFound(ofOwner(userId)),
};
