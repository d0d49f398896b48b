/**
 * The account holder's rights: everything the API holds about them in one answer (the GDPR's right of
 * access), and an account deletion that leaves no item naming them but their payments, which are
 * financial records and stay.
 */
import { kv } from '../db/kv.ts';
import { payments, toPublicPayment } from '../db/payments.ts';
import { records, toPublicRecord } from '../db/records.ts';
import { sessions, toPublicSession } from '../db/sessions.ts';
import { OwnerGone } from '../db/user-partition.ts';
import { toPublicUser, users } from '../db/users.ts';
import type { Caller } from '../domain/user.ts';
import { Conflict } from '../errors.ts';

/**
 * The most an export may weigh as Lambda returns it: a synchronous invocation's response is at most
 * 6 MB (6,291,456 bytes), and the answer travels as a JSON string inside it, headers beside it.
 */
export const EXPORT_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The caller's profile, key-value entries (values as stored), payments (masked), records and open
 * sessions; a Conflict (409) naming the paged routes when that is more than one answer can carry.
 */
export async function exportAccount(caller: Caller, maxBytes = EXPORT_MAX_BYTES) {
  const [user, entries, paymentList, recordList, sessionList] = await Promise.all([
    users.get(caller.id),
    kv.all(caller.id),
    payments.allForUser(caller.id),
    records.allOfOwner(caller.id),
    sessions.all(caller.id),
  ]);
  if (!user) throw new OwnerGone();
  const answer = {
    exported_at: new Date().toISOString(),
    profile: toPublicUser(user),
    key_value: entries,
    payments: paymentList.map(toPublicPayment),
    records: recordList.map(toPublicRecord),
    sessions: sessionList.map((s) => toPublicSession(s, caller.sessionId)),
  };
  // Measured as it travels: the body as a JSON string (each quote and escape counts twice).
  if (Buffer.byteLength(JSON.stringify(JSON.stringify(answer))) > maxBytes) {
    throw new Conflict(
      `Your data is more than one answer can carry (${Math.floor(maxBytes / 1024 / 1024)} MB): read it page by page from /me, /kv, /payments, /records and /me/sessions.`,
    );
  }
  return answer;
}

/**
 * After the profile and its markers are gone: the user's own partition (sessions, refresh tokens,
 * Idempotency-Key records, key-value usage, sign-in counters), their key-value entries and their
 * phone records. Rate windows are keyed by keyed hashes and name nobody.
 */
export async function removeAccountData(userId: string): Promise<void> {
  await Promise.all([users.removePartition(userId), kv.removeAll(userId), records.removeAllOf(userId)]);
}
