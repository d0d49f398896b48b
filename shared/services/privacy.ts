/**
 * The account holder's rights: everything the API holds about them in one answer (the GDPR's right of
 * access), and an account deletion that leaves no item naming them but their payments, which are
 * financial records and stay.
 */

import type { StartKey } from '../crypto/cursor.ts';
import { kv } from '../db/kv.ts';
import { payments, toPublicPayment } from '../db/payments.ts';
import { records } from '../db/records.ts';
import { sessions, toPublicSession } from '../db/sessions.ts';
import { toPublicUser, users } from '../db/users.ts';
import type { Caller } from '../domain/user.ts';
import { NotAuthenticated } from '../errors.ts';

import { toPublicRecord } from './records.ts';

const PAGE = 100;

async function allPages<T>(page: (startKey?: StartKey) => Promise<{ items: T[]; lastKey?: StartKey }>): Promise<T[]> {
  const all: T[] = [];
  let startKey: StartKey | undefined;
  do {
    const { items, lastKey } = await page(startKey);
    all.push(...items);
    startKey = lastKey;
  } while (startKey);
  return all;
}

/** The caller's profile, key-value entries (values as stored), payments (masked), records and open sessions. */
export async function exportAccount(caller: Caller) {
  const [user, entries, paymentList, recordList, sessionList] = await Promise.all([
    users.get(caller.id),
    kv.all(caller.id),
    allPages((start) => payments.listForUser(caller.id, PAGE, start)),
    allPages((start) => records.listOfOwner(caller.id, PAGE, start)),
    sessions.list(caller.id),
  ]);
  if (!user) throw new NotAuthenticated('The account no longer exists.');
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
