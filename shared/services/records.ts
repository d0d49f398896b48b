/**
 * Seed 000's phone records, done right. A record belongs to the account that created it, one per
 * phone per owner; its owner and admins see it, and for anyone else it does not exist: every answer
 * a user gets depends only on their own records, so no route tells whether another account has a
 * record of a phone, and none lets one account block, read, overwrite or delete another's record.
 * Ids and index keys are HMAC-SHA256 under the secret pepper (plain SHA-256 of a 10-digit phone is
 * reversed by trying all 10^10 numbers in minutes); the phone is never stored, logged or returned;
 * lookups by phone are rate-limited per user.
 */

import { env } from '../config/index.ts';
import { openCursor } from '../crypto/cursor.ts';
import { keyedHashes } from '../crypto/hash.ts';
import { consumeRateLimit } from '../db/rate-limits.ts';
import { type HealthRecord, type PhonePosition, records, type SealedRecord, toPublicRecord } from '../db/records.ts';
import type { Caller } from '../domain/user.ts';
import { NotFound } from '../errors.ts';
import type { CreateRecordBody, PublicRecord } from '../schemas/records.ts';
import { paged } from './paging.ts';

interface PageQuery {
  limit: number;
  cursor?: string;
}

/** The phone's keyed hash under every pepper still in use, current first: the index of every owner's records. */
const phoneHashes = async (phone: string) => (await keyedHashes('phone', phone)).map((h) => h.hash);
/** The id of this owner's record of the phone, under every pepper, current first. */
const recordIds = (userId: string, phone: string) => keyedHashes('record', `${userId}:${phone}`);

const visibleTo = (caller: Caller, record: SealedRecord) => caller.role === 'admin' || record.user_id === caller.id;

const opened = async (record: SealedRecord) => toPublicRecord(await records.unseal(record));

export async function createRecord(caller: Caller, { phone, ...fields }: CreateRecordBody): Promise<PublicRecord> {
  const [[current, ...older], [phoneHash]] = await Promise.all([recordIds(caller.id, phone), phoneHashes(phone)]);
  if (!current || !phoneHash) throw new Error('No keyed hash: the secret always has a current key');
  const record: HealthRecord = { record_id: current.hash, user_id: caller.id, key_id: current.keyId, ...fields, created_at: new Date().toISOString() };
  await records.create(
    record,
    phoneHash,
    older.map((h) => h.hash),
  );
  return toPublicRecord(record);
}

/** Someone else's record answers exactly as a record that does not exist, and is never opened. */
export async function getRecord(caller: Caller, recordId: string): Promise<PublicRecord> {
  const record = await records.get(recordId);
  if (!record || !visibleTo(caller, record)) throw new NotFound('No such record.');
  return opened(record);
}

/** The caller's records, newest first; an admin names any user with `user_id`. */
export async function listRecords(caller: Caller, query: PageQuery & { user_id?: string }) {
  const userId = query.user_id ?? caller.id;
  if (userId !== caller.id && caller.role !== 'admin') throw new NotFound('No such user.');
  return paged(`records.list:${userId}`, query.cursor, (start) => records.listOfOwner(userId, query.limit, start), toPublicRecord);
}

/**
 * Seed 000's encrypt-and-get, with the phone in the body (never in a URL or an access log): the
 * records of the phone the caller may see. A user's is at most their own one (GetItems of their own
 * ids, so nobody else's record changes the answer or its cost); an admin's is every owner's, a page
 * at a time, with a cursor bound to the phone.
 */
export async function lookupRecords(caller: Caller, phone: string, query: PageQuery) {
  await consumeRateLimit('record-lookups', caller.id, env.recordLookupsPerHour, 3600);
  if (caller.role === 'admin') {
    const hashes = await phoneHashes(phone);
    return paged(
      `records.lookup:${hashes[0]}`,
      query.cursor,
      (start) => records.listOfPhone(hashes, query.limit, start as PhonePosition | undefined),
      toPublicRecord,
    );
  }
  const ids = (await recordIds(caller.id, phone)).map((h) => h.hash);
  await openCursor(query.cursor, `records.lookup:${ids[0]}`); // a user's answer is one page: any cursor is refused
  return { items: await Promise.all((await records.getMany(ids)).map(opened)), next_cursor: null };
}

/** The owner or an admin; for anyone else the record does not exist (one conditional delete either way). */
export async function deleteRecord(caller: Caller, recordId: string): Promise<void> {
  const deleted = await records.remove(recordId, caller.role === 'admin' ? undefined : caller.id);
  if (!deleted) throw new NotFound('No such record.');
}

/** A user deletes their own record of the phone; an admin deletes every owner's. */
export async function deleteRecordsByPhone(caller: Caller, phone: string): Promise<void> {
  const deleted =
    caller.role === 'admin'
      ? await records.removeAllOfPhone(await phoneHashes(phone))
      : (await Promise.all((await recordIds(caller.id, phone)).map((h) => records.remove(h.hash, caller.id)))).filter(Boolean).length;
  if (!deleted) throw new NotFound('No record for this phone.');
}
