import * as z from 'zod/mini';
import { idParams, lazy, page, pageQuery, timestamp, unlessMissing, version } from './common.ts';
import { MAX_MINOR_UNITS, NON_MONETARY } from './money.ts';

export const PAYMENT_METHODS = ['Credit Card', 'Debit Card', 'Prepaid Card'] as const;
export const PAYMENT_STATUSES = ['pending', 'completed', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Allowed status changes: forward only. */
export const NEXT_STATUSES: Record<PaymentStatus, PaymentStatus[]> = {
  pending: ['completed', 'failed'],
  completed: ['refunded'],
  failed: [],
  refunded: [],
};

/** Whether a payment in status `from` may be set to `to` (staying put is always allowed). */
export const canBecome = (from: PaymentStatus, to: PaymentStatus) => from === to || NEXT_STATUSES[from].includes(to);

export const cardDigits = (cardNo: string) => cardNo.replace(/[\s-]/g, '');

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export const CARD_BRANDS = ['amex', 'visa', 'mastercard', 'discover', 'jcb', 'diners', 'unionpay', 'maestro', 'unknown'] as const;

/** The card network from the number's leading digits (IIN ranges). */
export function cardBrand(digits: string): (typeof CARD_BRANDS)[number] {
  const n = (len: number) => Number(digits.slice(0, len));
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^4/.test(digits)) return 'visa';
  if ((n(2) >= 51 && n(2) <= 55) || (n(4) >= 2221 && n(4) <= 2720)) return 'mastercard';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  if (n(4) >= 3528 && n(4) <= 3589) return 'jcb';
  if (/^(36|30[0-5]|38|39)/.test(digits)) return 'diners';
  if (/^62/.test(digits)) return 'unionpay';
  if (/^(5[06-9]|6)/.test(digits)) return 'maestro';
  return 'unknown';
}

/** A card's expiry as sent: "2026-12-01" (the seed's form; the day is ignored) or "12/26". */
const CARD_EXPIRY = /^(?:(\d{4})-(0[1-9]|1[0-2])-\d{2}|(0[1-9]|1[0-2])\/(\d{2}))$/;

/** "2026-12-01" or "12/26" → "2026-12"; undefined when neither. */
export function expiryMonth(expiry: string): string | undefined {
  const [match, year, month, shortMonth, shortYear] = CARD_EXPIRY.exec(expiry) ?? [];
  if (!match) return undefined;
  return year ? `${year}-${month}` : `20${shortYear}-${shortMonth}`;
}

const notExpired = (month: string) => month >= new Date().toISOString().slice(0, 7);

const cardNo = lazy(() =>
  z.string().check(
    z.meta({ description: '12-19 digits, spaces and dashes allowed between them, passing the Luhn check' }),
    z.regex(/^\d[\d -]{10,24}\d$/, 'Card number must be 12-19 digits (spaces and dashes allowed)'),
    z.refine((s) => /^\d{12,19}$/.test(cardDigits(s)), 'Card number must be 12-19 digits (spaces and dashes allowed)'),
    z.refine((s) => luhnValid(cardDigits(s)), 'Card number fails the Luhn check'),
  ),
);
const cardExpiry = lazy(() =>
  z.string().check(
    z.meta({ description: 'YYYY-MM-DD (the day is ignored) or MM/YY, not before the current month' }),
    z.regex(CARD_EXPIRY, 'Card expiry must be YYYY-MM-DD or MM/YY'),
    z.refine((s) => {
      const month = expiryMonth(s);
      return !month || notExpired(month);
    }, 'The card has expired'),
  ),
);
const cardCvc = lazy(() =>
  z.string().check(z.meta({ description: '3 digits, 4 for American Express' }), z.regex(/^\d{3,4}$/, 'CVC must be 3 digits (4 for American Express)')),
);
/** A positive amount as a JSON number or a decimal string; the currency decides how many decimals. */
const amount = lazy(() =>
  z.union(
    [
      // Wide here; requireMinor (money.ts) applies the exact bound per currency, with its own message.
      z.number().check(z.positive('Amount must be positive'), z.lte(1e15, 'Amount is too large')),
      z.string().check(z.regex(/^\d{1,15}(\.\d{1,4})?$/, 'Amount must be a positive decimal number')),
    ],
    unlessMissing('Amount must be a number or a decimal string'),
  ),
);
const currency = lazy(() =>
  z.string().check(
    z.regex(/^[A-Z]{3}$/, 'Currency must be an ISO 4217 code such as INR or USD'),
    z.refine((c) => z.currencyCode().safeParse(c).success && !NON_MONETARY.has(c), 'Unknown ISO 4217 currency'),
  ),
);
const description = lazy(() => z.string().check(z.maxLength(255)));

/** CVC length depends on the card: 4 digits for American Express, 3 for the others. */
const cvcMatchesCard = (body: { card_no?: string; card_cvc?: string }) =>
  !body.card_no || !body.card_cvc || body.card_cvc.length === (cardBrand(cardDigits(body.card_no)) === 'amex' ? 4 : 3);
const cvcIssue = { path: ['card_cvc'], message: 'CVC must be 3 digits (4 for American Express)' };

export const createPaymentBody = lazy(() =>
  z
    .strictObject({
      user_id: z.optional(z.uuid('Not a valid user id')),
      amount: amount(),
      currency: currency(),
      payment_method: z.enum(PAYMENT_METHODS),
      card_no: cardNo(),
      card_expiry: cardExpiry(),
      card_cvc: cardCvc(),
      status: z._default(z.enum(['pending', 'completed', 'failed']), 'pending'),
      description: z.optional(description()),
    })
    .check(z.refine(cvcMatchesCard, cvcIssue)),
);

/** Partial update. A new card needs its expiry and CVC (checked, then discarded) too. */
export const updatePaymentBody = lazy(() =>
  z
    .strictObject({
      amount: z.optional(amount()),
      currency: z.optional(currency()),
      payment_method: z.optional(z.enum(PAYMENT_METHODS)),
      card_no: z.optional(cardNo()),
      card_expiry: z.optional(cardExpiry()),
      card_cvc: z.optional(cardCvc()),
      status: z.optional(z.enum(PAYMENT_STATUSES)),
      description: z.optional(description()),
    })
    .check(
      z.meta({ minProperties: 1, dependentRequired: { card_no: ['card_expiry', 'card_cvc'] } }),
      z.refine((b) => Object.keys(b).length > 0, 'Send at least one field to change'),
      z.refine((b) => !b.card_no || (b.card_expiry !== undefined && b.card_cvc !== undefined), {
        path: ['card_no'],
        message: 'A new card number needs card_expiry and card_cvc',
      }),
      z.refine(cvcMatchesCard, cvcIssue),
    ),
);

export const paymentIdParams = idParams;
export const listPaymentsQuery = lazy(() => z.strictObject({ ...pageQuery(), user_id: z.optional(z.uuid('Not a valid user id')) }));

export const payment = lazy(() =>
  z.object({
    payment_id: z.uuid(),
    user_id: z.uuid(),
    amount: z.number().check(z.positive(), z.lte(MAX_MINOR_UNITS)),
    amount_minor: z.int().check(z.meta({ description: "The amount in the currency's minor unit (cents, paise …)" }), z.minimum(1), z.maximum(MAX_MINOR_UNITS)),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
    payment_method: z.enum(PAYMENT_METHODS),
    card_no: z.string().check(z.meta({ description: 'Masked: only the last four digits' }), z.regex(/^XXXX-XXXX-XXXX-\d{4}$/)),
    card_brand: z.enum(CARD_BRANDS),
    card_last4: z.string().check(z.regex(/^\d{4}$/)),
    card_expiry: z.string().check(z.meta({ description: 'The expiry month, YYYY-MM' }), z.regex(/^\d{4}-(0[1-9]|1[0-2])$/)),
    status: z.enum(PAYMENT_STATUSES),
    description: z.optional(description()),
    version: version(),
    created_at: timestamp(),
    updated_at: timestamp(),
  }),
);
export const paymentPage = lazy(() => page(payment()));

export type CreatePaymentBody = z.output<ReturnType<typeof createPaymentBody>>;
export type UpdatePaymentBody = z.output<ReturnType<typeof updatePaymentBody>>;
export type PublicPayment = z.output<ReturnType<typeof payment>>;
