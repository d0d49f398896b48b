/**
 * Seed 000's phone records, done right: the id is HMAC-SHA256 of the phone under the secret pepper
 * (plain SHA-256 of a 10-digit phone is reversed by trying all 10^10 numbers in minutes); the phone is
 * never stored, logged or returned; lookups by phone are rate-limited per user.
 */
import { keyedHashes } from '../crypto/hash.ts';
import { consumeRateLimit } from '../db/rate-limits.ts';
import { PhoneTaken, records, type HealthRecord } from '../db/records.ts';
import type { Caller } from '../http/auth.ts';
import { Reply } from '../http/handler.ts';
import { conflict, notFound } from '../http/problem.ts';
import type { CreateRecordBody, PublicRecord } from '../schemas/records.ts';

export const LOOKUPS_PER_HOUR = Number(process.env.RECORD_LOOKUPS_PER_HOUR ?? 100);

const phoneHashes = (phone: string) => keyedHashes('phone', phone);

export const toPublicRecord = ({ key_id, created_by, ...record }: HealthRecord): PublicRecord => record;

export async function createRecord(caller: Caller, { phone, ...fields }: CreateRecordBody): Promise<Reply> {
  const [current, ...older] = await phoneHashes(phone);
  const record: HealthRecord = {
    record_id: current.hash,
    key_id: current.keyId,
    ...fields,
    created_by: caller.id,
    created_at: new Date().toISOString(),
  };
  await records.create(record, older.map((h) => h.hash)).catch((error) => {
    throw error instanceof PhoneTaken ? conflict('A record for this phone already exists.') : error;
  });
  return new Reply(toPublicRecord(record), { headers: { location: `/records/${record.record_id}` } });
}

export async function getRecord(recordId: string): Promise<PublicRecord> {
  const record = await records.get(recordId);
  if (!record) throw notFound('No such record.');
  return toPublicRecord(record);
}

/** Seed 000's encrypt-and-get, with the phone in the body (never in a URL or an access log). */
export async function lookupRecord(caller: Caller, phone: string): Promise<PublicRecord> {
  await consumeRateLimit('record-lookups', caller.id, LOOKUPS_PER_HOUR, 3600);
  const record = await records.findFirst((await phoneHashes(phone)).map((h) => h.hash));
  if (!record) throw notFound('No record for this phone.');
  return toPublicRecord(record);
}

export async function deleteRecord(recordId: string): Promise<void> {
  if (!(await records.remove(recordId))) throw notFound('No such record.');
}

export async function deleteRecordByPhone(phone: string): Promise<void> {
  const record = await records.findFirst((await phoneHashes(phone)).map((h) => h.hash));
  if (!record) throw notFound('No record for this phone.');
  await deleteRecord(record.record_id);
}
