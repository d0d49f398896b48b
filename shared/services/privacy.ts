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

/** The caller's profile, key-value entries (values as stored), payments (masked), records and open sessions. */
export async function exportAccount(caller: Caller) {
  const [user, entries, paymentList, recordList, sessionList] = await Promise.all([
    users.get(caller.id),
    kv.all(caller.id),
    payments.allForUser(caller.id),
    records.allOfOwner(caller.id),
    sessions.all(caller.id),
  ]);
  if (!user) throw new OwnerGone();
  return {
    exported_at: new Date().toISOString(),
    profile: toPublicUser(user),
    key_value: entries,
    payments: paymentList.map(toPublicPayment),
    records: recordList.map(toPublicRecord),
    sessions: sessionList.map((s) => toPublicSession(s, caller.sessionId)),
  };
}

/**
 * After the profile and its markers are gone: the user's own partition (sessions, refresh tokens,
 * Idempotency-Key records, key-value usage, sign-in counters), their key-value entries and their
 * phone records. Rate windows are keyed by keyed hashes and name nobody.
 */
export async function removeAccountData(userId: string): Promise<void> {
  await Promise.all([users.removePartition(userId), kv.removeAll(userId), records.removeAllOf(userId)]);
}
