/**
 * A payment and its rules: what it is made of (Money, a Card), where its status may go (forward
 * only), which fields a client may change in each status (the amount, the method and the card
 * only while pending), and which payments may be deleted (pending ones: a settled payment is a financial record).
 * The console reads the same rules from the OpenAPI document (shared/schemas/payments.ts puts them there).
 */
import { Conflict, InvalidInput } from '../errors.ts';
import type { Card, SealedCard } from './card.ts';
import { isMoney, type Money, moneyOf, toDecimal } from './money.ts';

export const PAYMENT_METHODS = ['Credit Card', 'Debit Card', 'Prepaid Card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_STATUSES = ['pending', 'completed', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
/** The statuses a payment may be created in. */
export const INITIAL_STATUSES = ['pending', 'completed', 'failed'] as const satisfies readonly PaymentStatus[];

/** The status machine: where a payment in each status may go next (forward only). */
export const NEXT_STATUSES: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['completed', 'failed'],
  completed: ['refunded'],
  failed: [],
  refunded: [],
};

/** Whether a payment in status `from` may be set to `to` (staying put is always allowed). */
export const canBecome = (from: PaymentStatus, to: PaymentStatus) => from === to || NEXT_STATUSES[from].includes(to);

/** The fields of a payment update (PUT /payments/{id}), as the client names them. */
export const PAYMENT_FIELDS = ['amount', 'currency', 'payment_method', 'card_no', 'card_expiry', 'card_cvc', 'status', 'description'] as const;
export type PaymentField = (typeof PAYMENT_FIELDS)[number];
// A settled payment is a financial record: only its status (forward) and its description change.
const SETTLED_FIELDS = ['status', 'description'] as const satisfies readonly PaymentField[];

/** The fields a client may send in each status: the amount, the currency, the method and the card only while pending. */
export const EDITABLE_FIELDS: Record<PaymentStatus, readonly PaymentField[]> = {
  pending: PAYMENT_FIELDS,
  completed: SETTLED_FIELDS,
  failed: SETTLED_FIELDS,
  refunded: SETTLED_FIELDS,
};

/** Only a pending payment can be deleted. */
export const DELETABLE_STATUSES: readonly PaymentStatus[] = ['pending'];

export interface Payment {
  payment_id: string;
  /** The owner: the user the payment is for. */
  user_id: string;
  amount: Money;
  payment_method: PaymentMethod;
  /** A card just given (its digits, sealed when stored), or the card as stored (sealed). */
  card: Card | SealedCard;
  status: PaymentStatus;
  description?: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A payment as a client asks for it, parsed (shared/schemas/payments.ts): the CVC was checked and is gone. */
export interface NewPayment {
  /** Another owner than the caller (admins only). */
  user_id?: string;
  amount: Money;
  payment_method: PaymentMethod;
  card: Card;
  status: (typeof INITIAL_STATUSES)[number];
  description?: string;
}

/**
 * The changes a client sends, by field, parsed: a new card number comes with its expiry as a Card, an
 * expiry alone is its month, and a CVC is only marked as sent (it was checked and is gone). The amount
 * stays as sent, since the currency it is read in may be the payment's own.
 */
export interface PaymentChanges {
  amount?: number | string;
  currency?: string;
  payment_method?: PaymentMethod;
  card_no?: Card;
  card_expiry?: string;
  card_cvc?: true;
  status?: PaymentStatus;
  description?: string;
}

export function newPayment(input: NewPayment, { payment_id, user_id }: { payment_id: string; user_id: string }, now: string): Payment {
  const { user_id: _owner, ...fields } = input;
  return { payment_id, user_id, ...fields, version: 1, created_at: now, updated_at: now };
}

/** The payment after the changes, or the rule they break (Conflict), or an amount that is no money in its currency (InvalidInput). */
export function revisePayment(current: Payment, changes: PaymentChanges, now: string): Payment {
  const locked = (Object.keys(changes) as PaymentField[]).filter((field) => !EDITABLE_FIELDS[current.status].includes(field));
  if (locked.length > 0) throw new Conflict(`${locked.join(', ')} can change only while the payment is pending (it is ${current.status}).`);
  if (changes.status && !canBecome(current.status, changes.status)) {
    throw new Conflict(`A ${current.status} payment cannot become ${changes.status}.`, [{ path: 'body.status', message: 'Status moves only forward' }]);
  }
  const { amount, currency, card_no, card_expiry, card_cvc: _checked, ...rest } = changes;
  const money =
    amount === undefined && currency === undefined
      ? current.amount
      : moneyOf(amount ?? toDecimal(current.amount.minor, current.amount.currency), currency ?? current.amount.currency);
  if (!isMoney(money)) throw new InvalidInput(money.detail, [{ path: 'body.amount', message: money.message }]);
  const card = card_no ?? (card_expiry ? { ...current.card, expiryMonth: card_expiry } : current.card);
  return { ...current, ...rest, amount: money, card, version: current.version + 1, updated_at: now };
}

export function assertDeletable(payment: Payment): void {
  if (!DELETABLE_STATUSES.includes(payment.status)) throw new Conflict(`Only a pending payment can be deleted (this one is ${payment.status}).`);
}
