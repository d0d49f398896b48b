/**
 * Payments with their rules: owners see only their own (others → 404); amounts are integer minor
 * units; status moves forward only; the card number is encrypted and the CVC is checked, then dropped.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../caller.ts';
import { paged } from '../crypto/cursor.ts';
import { sealField } from '../crypto/field-cipher.ts';
import { cardContext, type Payment, payments, type ShardPositions } from '../db/payments.ts';
import { OwnerGone } from '../db/writes.ts';
import { Conflict, InvalidInput, NotFound, NotPermitted, Unprocessable } from '../errors.ts';
import { fromMinor, requireMinor, toDecimal } from '../schemas/money.ts';
import { type CreatePaymentBody, canBecome, cardBrand, cardDigits, expiryMonth, type PublicPayment, type UpdatePaymentBody } from '../schemas/payments.ts';
import { assertVersion, type VersionCondition } from '../versions.ts';
import { idempotent } from './idempotency.ts';
import { withOptimisticRetry } from './optimistic.ts';

export function toPublicPayment({ card_no_sealed, amount_minor, ...p }: Payment): PublicPayment {
  return { ...p, amount: fromMinor(amount_minor, p.currency), amount_minor, card_no: `XXXX-XXXX-XXXX-${p.card_last4}` } as PublicPayment;
}

/** The month of a card expiry the schema accepted (it needs one with every card number, and in a known form). */
function expiryMonthOf(expiry: string | undefined): string {
  const month = expiry === undefined ? undefined : expiryMonth(expiry);
  if (month === undefined)
    throw new InvalidInput('A card needs its expiry, as YYYY-MM-DD or MM/YY.', [
      { path: 'body.card_expiry', message: 'Card expiry must be YYYY-MM-DD or MM/YY' },
    ]);
  return month;
}

/** The card fields as stored: ciphertext bound to the payment, brand, last four, expiry month. */
async function cardFields(paymentId: string, cardNo: string, expiry: string | undefined) {
  const digits = cardDigits(cardNo);
  return {
    card_no_sealed: await sealField(digits, cardContext(paymentId)),
    card_brand: cardBrand(digits),
    card_last4: digits.slice(-4),
    card_expiry: expiryMonthOf(expiry),
  };
}

/** Creates a payment; with an Idempotency-Key, a retry gets the first result (`replayed`). */
export async function createPayment(caller: Caller, body: CreatePaymentBody, idempotencyKey?: string): Promise<{ result: PublicPayment; replayed: boolean }> {
  const owner = body.user_id ?? caller.id;
  if (owner !== caller.id && caller.role !== 'admin') throw new NotPermitted('Only an admin can create a payment for another user.');
  const amountMinor = requireMinor(body.amount, body.currency);
  // The CVC is validated by the schema and goes no further (PCI DSS 3.3.1).
  const { card_cvc: _cvc, ...request } = body;
  return idempotent<PublicPayment>(caller, idempotencyKey, request, async (record) => {
    const paymentId = randomUUID();
    const now = new Date().toISOString();
    const payment: Payment = {
      payment_id: paymentId,
      user_id: owner,
      amount_minor: amountMinor,
      currency: body.currency,
      payment_method: body.payment_method,
      ...(await cardFields(paymentId, body.card_no, body.card_expiry)),
      status: body.status,
      description: body.description,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const result = toPublicPayment(payment);
    await payments.create(payment, record(result)).catch((error) => {
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

const PENDING_ONLY = ['amount', 'currency', 'card_no', 'card_expiry', 'card_cvc'] as const;

export async function updatePayment(caller: Caller, paymentId: string, changes: UpdatePaymentBody, condition: VersionCondition): Promise<PublicPayment> {
  return withOptimisticRetry(condition, async () => {
    const current = await visiblePayment(caller, paymentId);
    assertVersion(condition, current.version);
    const locked = PENDING_ONLY.filter((field) => changes[field] !== undefined);
    if (locked.length > 0 && current.status !== 'pending') {
      throw new Conflict(`${locked.join(', ')} can change only while the payment is pending (it is ${current.status}).`);
    }
    if (changes.status && !canBecome(current.status, changes.status)) {
      throw new Conflict(`A ${current.status} payment cannot become ${changes.status}.`, [{ path: 'body.status', message: 'Status moves only forward' }]);
    }
    const currency = changes.currency ?? current.currency;
    const next: Payment = {
      ...current,
      currency,
      amount_minor: requireMinor(changes.amount ?? toDecimal(current.amount_minor, current.currency), currency),
      ...(changes.card_no && (await cardFields(paymentId, changes.card_no, changes.card_expiry))),
      ...(changes.card_expiry && !changes.card_no && { card_expiry: expiryMonthOf(changes.card_expiry) }),
      ...(changes.payment_method && { payment_method: changes.payment_method }),
      ...(changes.status && { status: changes.status }),
      ...(changes.description !== undefined && { description: changes.description }),
      version: current.version + 1,
      updated_at: new Date().toISOString(),
    };
    await payments.replace(current, next);
    return toPublicPayment(next);
  });
}

export async function deletePayment(caller: Caller, paymentId: string, condition: VersionCondition): Promise<void> {
  await withOptimisticRetry(condition, async () => {
    const payment = await visiblePayment(caller, paymentId);
    assertVersion(condition, payment.version);
    if (payment.status !== 'pending') throw new Conflict(`Only a pending payment can be deleted (this one is ${payment.status}).`);
    await payments.remove(payment);
  });
}
