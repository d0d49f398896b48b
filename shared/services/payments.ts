/**
 * Payments, as the caller may see and change them: owners see only their own (others → 404), admins
 * everyone's. The body arrives parsed into domain values (Money, a Card; the CVC already dropped),
 * and the payment's own rules live in domain/payment.ts.
 */
import { randomUUID } from 'node:crypto';
import { payments, type ShardPositions, toPublicPayment } from '../db/payments.ts';
import { OwnerGone } from '../db/user-partition.ts';
import { assertDeletable, type NewPayment, newPayment, type Payment, type PaymentChanges, revisePayment } from '../domain/payment.ts';
import type { Caller } from '../domain/user.ts';
import { assertVersion, type VersionCondition } from '../domain/versions.ts';
import { NotFound, NotPermitted, Unprocessable } from '../errors.ts';
import type { PublicPayment } from '../schemas/payments.ts';
import { idempotent } from './idempotency.ts';
import { withOptimisticRetry } from './optimistic.ts';
import { paged } from './paging.ts';

/** Creates a payment; with an Idempotency-Key, a retry gets the first result (`replayed`). */
export async function createPayment(caller: Caller, input: NewPayment, idempotencyKey?: string): Promise<{ result: PublicPayment; replayed: boolean }> {
  const owner = input.user_id ?? caller.id;
  if (owner !== caller.id && caller.role !== 'admin') throw new NotPermitted('Only an admin can create a payment for another user.');
  return idempotent<PublicPayment>(caller, idempotencyKey, input, async (record) => {
    const payment = newPayment(input, { payment_id: randomUUID(), user_id: owner }, new Date().toISOString());
    const result = toPublicPayment(payment);
    await payments.create(payment, record(result)).catch((error) => {
      // An admin named a user who does not exist: their request is wrong, not their session.
      if (error instanceof OwnerGone && owner !== caller.id) {
        throw new Unprocessable('user_id does not name an existing user.', [{ path: 'body.user_id', message: 'No such user' }]);
      }
      throw error;
    });
    return result;
  });
}

async function visiblePayment(caller: Caller, paymentId: string): Promise<Payment> {
  const payment = await payments.get(paymentId);
  if (!payment || (caller.role !== 'admin' && payment.user_id !== caller.id)) throw new NotFound('No such payment.');
  return payment;
}

export const getPayment = async (caller: Caller, paymentId: string): Promise<PublicPayment> => toPublicPayment(await visiblePayment(caller, paymentId));

/** A user lists their own payments; an admin lists everyone's, or one user's with `user_id`. */
export async function listPayments(caller: Caller, query: { limit: number; cursor?: string; user_id?: string }) {
  const userId = caller.role === 'admin' ? query.user_id : (query.user_id ?? caller.id);
  if (caller.role !== 'admin' && userId !== caller.id) throw new NotFound('No such user.');
  if (userId) return paged(`payments.list:user:${userId}`, query.cursor, (start) => payments.listForUser(userId, query.limit, start), toPublicPayment);
  return paged('payments.list:all', query.cursor, (start) => payments.listAll(query.limit, start as { shards: ShardPositions } | undefined), toPublicPayment);
}

export async function updatePayment(caller: Caller, paymentId: string, changes: PaymentChanges, condition: VersionCondition): Promise<PublicPayment> {
  return withOptimisticRetry(condition, async () => {
    const current = await visiblePayment(caller, paymentId);
    assertVersion(condition, current.version);
    const next = revisePayment(current, changes, new Date().toISOString());
    await payments.replace(current, next);
    return toPublicPayment(next);
  });
}

export async function deletePayment(caller: Caller, paymentId: string, condition: VersionCondition): Promise<void> {
  await withOptimisticRetry(condition, async () => {
    const payment = await visiblePayment(caller, paymentId);
    assertVersion(condition, payment.version);
    assertDeletable(payment);
    await payments.remove(payment);
  });
}
