/**
 * Health records keyed by a keyed hash of the phone (HMAC-SHA256 under the secret pepper): the phone
 * is never stored. The key id that made the hash is kept, so after a rotation a phone hashed under an
 * older key is still found (and still counts as taken). The health data itself (name, date of birth,
 * height, weight) is stored as one AES-256-GCM field bound to the record id.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { db, TABLE } from './client.ts';
import { getItem } from './get-item.ts';
import { keys } from './keys.ts';
import { transact, TransactionConditionFailed } from './transact.ts';

export interface HealthRecord {
  record_id: string;
  key_id: string;
  name: string;
  dob: string;
  height: number;
  weight: number;
  created_by: string;
  created_at: string;
}

export class PhoneTaken extends Error {}

const detailsContext = (recordId: string) => `record:${recordId}:details`;

async function toItem({ name, dob, height, weight, ...record }: HealthRecord) {
  const details_sealed = await sealField(JSON.stringify({ name, dob, height, weight }), detailsContext(record.record_id));
  return { ...keys.record(record.record_id), entity: 'record', ...record, details_sealed };
}

async function fromItem(item: Record<string, any> | undefined): Promise<HealthRecord | undefined> {
  if (!item) return undefined;
  const { PK, SK, entity, details_sealed, ...record } = item;
  return { ...record, ...JSON.parse(await openField(details_sealed, detailsContext(record.record_id))) } as HealthRecord;
}

export const records = {
  /** `olderHashes`: the same phone under retired keys, which must not exist either. */
  async create(record: HealthRecord, olderHashes: string[]): Promise<void> {
    try {
      await transact([
        { Put: { TableName: TABLE, Item: await toItem(record), ConditionExpression: 'attribute_not_exists(PK)' } },
        ...olderHashes.map((hash) => ({ ConditionCheck: { TableName: TABLE, Key: keys.record(hash), ConditionExpression: 'attribute_not_exists(PK)' } })),
      ]);
    } catch (error) {
      throw error instanceof TransactionConditionFailed ? new PhoneTaken() : error;
    }
  },

  async get(recordId: string): Promise<HealthRecord | undefined> {
    return fromItem(await getItem(keys.record(recordId)));
  },

  /** The first record found among the hashes (current key first). */
  async findFirst(hashes: string[]): Promise<HealthRecord | undefined> {
    for (const hash of hashes) {
      const record = await records.get(hash);
      if (record) return record;
    }
    return undefined;
  },

  /** True when a record was deleted. */
  async remove(recordId: string): Promise<boolean> {
    try {
      await db.send(new DeleteCommand({ TableName: TABLE, Key: keys.record(recordId), ConditionExpression: 'attribute_exists(PK)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },
};
