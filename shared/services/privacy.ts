/**
 * The account holder's rights: everything the API holds about them in one answer (the GDPR's right of
 * access), and an account deletion that leaves no item naming them but their payments, which are
 * financial records and stay.
 */
import { kv } from '../db/kv.ts';
import { payments, type Payment } from '../db/payments.ts';
import { records, type HealthRecord } from '../db/records.ts';
import { sessions } from '../db/sessions.ts';
import { toPublicUser, users } from '../db/users.ts';
import type { Caller } from '../http/auth.ts';
import { unauthorized } from '../http/problem.ts';
import { toPublicPayment } from './payments.ts';
import { toPublicRecord } from './records.ts';

const PAGE = 100;

async function allPages<T, K>(page: (startKey?: K) => Promise<{ items: T[]; lastKey?: K }>): Promise<T[]> {
  const all: T[] = [];
  let startKey: K | undefined;
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
    allPages<Payment, Record<string, unknown>>(async (key) => {
      const { payments: items, lastKey } = await payments.listForUser(caller.id, PAGE, key);
      return { items, lastKey };
    }),
    allPages<HealthRecord, Record<string, unknown>>(async (key) => {
      const { records: items, lastKey } = await records.listOfOwner(caller.id, PAGE, key);
      return { items, lastKey };
    }),
    sessions.list(caller.id),
  ]);
  if (!user) throw unauthorized('The account no longer exists.');
  return {
    exported_at: new Date().toISOString(),
    profile: toPublicUser(user),
    key_value: entries,
    payments: paymentList.map(toPublicPayment),
    records: recordList.map(toPublicRecord),
    sessions: sessionList.map((s) => ({
      session_id: s.sessionId,
      created_at: s.createdAt,
      expires_at: new Date(s.expiresAt * 1000).toISOString(),
      current: s.sessionId === caller.sessionId,
    })),
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
