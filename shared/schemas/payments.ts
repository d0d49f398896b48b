/**
 * Payments on the wire, parsed into the domain's values (shared/domain/): a create body becomes a
 * NewPayment (Money, a Card), an update the PaymentChanges; the CVC is checked here and goes no further.
 */
import * as z from 'zod/mini';
import {
  CARD_BRANDS,
  CARD_EXPIRY,
  CARD_NETWORKS,
  type Card,
  cardBrand,
  cardDigits,
  cardOf,
  cvcLength,
  expiryMonth,
  hasExpired,
  luhnValid,
} from '../domain/card.ts';
import { CURRENCIES, isMoney, MAX_MINOR_UNITS, MINOR_UNITS, type Money, moneyOf } from '../domain/money.ts';
import {
  DELETABLE_STATUSES,
  EDITABLE_FIELDS,
  INITIAL_STATUSES,
  NEXT_STATUSES,
  type NewPayment,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  type PaymentChanges,
} from '../domain/payment.ts';
import { idParams, page, pageQuery, timestamp, unlessMissing, version } from './common.ts';

/** Why a card number is refused (the first rule it breaks, so each field has one message), or undefined. */
function cardNoProblem(cardNo: string): string | undefined {
  const digits = cardDigits(cardNo);
  if (!/^\d[\d -]{10,24}\d$/.test(cardNo) || !/^\d{12,19}$/.test(digits)) return 'Card number must be 12-19 digits (spaces and dashes allowed)';
  if (!luhnValid(digits)) return 'Card number fails the Luhn check';
  if (cardBrand(digits) === 'unknown') return 'Card number is in no known card network’s range (x-card-networks)';
  return undefined;
}
const cardNo = () =>
  z.string().check(
    z.meta({
      description: '12-19 digits, spaces and dashes allowed between them, passing the Luhn check, in a network’s IIN range and length (`x-card-networks`)',
      pattern: '^\\d[\\d -]{10,24}\\d$',
      'x-card-networks': CARD_NETWORKS,
    }),
    z.superRefine((value, context) => {
      const message = cardNoProblem(value);
      if (message) context.issues.push({ code: 'custom', message, input: value, continue: true });
    }),
  );
const cardExpiry = () =>
  z.string().check(
    z.meta({
      description: 'YYYY-MM-DD (the day is ignored) or MM/YY (20YY), not before the current month (`x-minimum-month`)',
      'x-minimum-month': 'this month (UTC)',
    }),
    z.regex(CARD_EXPIRY, 'Card expiry must be YYYY-MM-DD or MM/YY'),
    z.refine((s) => {
      const month = expiryMonth(s);
      return !month || !hasExpired(month);
    }, 'The card has expired'),
  );
const cardCvc = () =>
  z.string().check(
    z.meta({
      description: '3 digits, 4 for American Express: as many as `x-cvc-digits` gives for the network of `card_no`',
      'x-cvc-digits': { card_field: 'card_no', default: cvcLength('visa'), amex: cvcLength('amex') },
    }),
    z.regex(/^\d{3,4}$/, 'CVC must be 3 digits (4 for American Express)'),
  );
/**
 * What the document says of an amount in its currency (`x-money`): at most the currency's decimals
 * (ISO 4217, 2 unless listed) and at most 10^15 of its minor units.
 */
const MONEY = { currency_field: 'currency', max_minor_units: MAX_MINOR_UNITS, decimals: { default: 2, ...MINOR_UNITS } };
/** A positive amount as a JSON number or a decimal string; the currency decides how many decimals (domain/money.ts). */
const amount = () =>
  z
    .union(
      [
        // Wide here; moneyOf applies the exact bound per currency, with its own message.
        z.number().check(z.positive('Amount must be positive'), z.lte(1e15, 'Amount is too large')),
        z
          .string()
          .check(
            z.meta({ description: 'A decimal string above 0: up to 15 digits and 4 decimals; at most 10^15 minor units and the currency’s decimals' }),
            z.maxLength(20, { message: 'Amount must be a positive decimal number', abort: true }),
            z.regex(/^(?=[\d.]*[1-9])\d{1,15}(\.\d{1,4})?$/, 'Amount must be a positive decimal number'),
          ),
      ],
      unlessMissing('Amount must be a positive number or a decimal string'),
    )
    .check(
      z.meta({
        description:
          'Above 0, as a JSON number or a decimal string, with at most the decimals of its currency and at most 10^15 of its minor units (`x-money`); an update is checked as the amount and currency the payment ends up with',
        'x-money': MONEY,
      }),
    );
const currency = () => z.enum(CURRENCIES as [string, ...string[]], unlessMissing('Currency must be an ISO 4217 code such as INR or USD'));
const description = () => z.string().check(z.maxLength(255));

// Only a well-formed CVC against a known card: a malformed one already has its message.
const cvcMatchesCard = (body: { card_no?: string; card_cvc?: string }) =>
  typeof body.card_no !== 'string' ||
  typeof body.card_cvc !== 'string' ||
  !/^\d{3,4}$/.test(body.card_cvc) ||
  cardNoProblem(body.card_no) !== undefined ||
  body.card_cvc.length === cvcLength(cardBrand(cardDigits(body.card_no)));
const cvcIssue = { path: ['card_cvc'], message: 'CVC must be 3 digits (4 for American Express)' };

/** The Card of a number and an expiry that passed the checks above. */
const cardFrom = (cardNo: string, expiry: string): Card => cardOf(cardDigits(cardNo), expiryMonth(expiry) ?? '');

/** Money from an amount and a currency whose own checks passed, or undefined (their own messages said why). */
const moneyFrom = (amountValue: unknown, currencyValue: unknown) =>
  amount().safeParse(amountValue).success && currency().safeParse(currencyValue).success
    ? moneyOf(amountValue as number | string, currencyValue as string)
    : undefined;

export const createPaymentBody = () =>
  z.pipe(
    z
      .strictObject({
        user_id: z.optional(z.uuid('Not a valid user id')),
        amount: amount(),
        currency: currency(),
        payment_method: z.enum(PAYMENT_METHODS),
        card_no: cardNo(),
        card_expiry: cardExpiry(),
        card_cvc: cardCvc(),
        status: z._default(z.enum(INITIAL_STATUSES), 'pending'),
        description: z.optional(description()),
      })
      .check(
        z.refine(cvcMatchesCard, cvcIssue),
        // Here rather than after parsing, so a bad amount is reported with every other field's error.
        z.superRefine((body, context) => {
          const money = moneyFrom(body.amount, body.currency);
          if (money && !isMoney(money)) context.issues.push({ code: 'custom', path: ['amount'], message: money.message, input: body.amount });
        }),
      ),
    z.transform(
      ({ amount, currency, card_no, card_expiry, card_cvc: _checked, ...rest }): NewPayment => ({
        ...rest,
        amount: moneyOf(amount, currency) as Money,
        card: cardFrom(card_no, card_expiry),
      }),
    ),
  );

/** Partial update. A new card needs its expiry and CVC (checked, then discarded) too. */
export const updatePaymentBody = () =>
  z.pipe(
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
    z.transform(
      ({ card_no, card_expiry, card_cvc, ...rest }): PaymentChanges => ({
        ...rest,
        ...(card_no !== undefined && card_expiry !== undefined && { card_no: cardFrom(card_no, card_expiry) }),
        ...(card_expiry !== undefined && { card_expiry: expiryMonth(card_expiry) }),
        ...(card_cvc !== undefined && { card_cvc: true }),
      }),
    ),
  );

export const paymentIdParams = idParams;
export const listPaymentsQuery = () => z.strictObject({ ...pageQuery(), user_id: z.optional(z.uuid('Not a valid user id')) });

/** The status machine, for clients (the console reads it from the OpenAPI document instead of keeping a copy). */
const statusMachine = {
  description:
    'Moves forward only: `x-next-statuses` says where each status may go; `x-editable-fields` which fields a PUT may send in each status; `x-deletable-statuses` which payments DELETE removes',
  'x-next-statuses': NEXT_STATUSES,
  'x-editable-fields': EDITABLE_FIELDS,
  'x-deletable-statuses': DELETABLE_STATUSES,
};

export const payment = () =>
  z.object({
    payment_id: z.uuid(),
    user_id: z.uuid(),
    amount: z.number().check(z.positive(), z.lte(MAX_MINOR_UNITS)),
    amount_minor: z.int().check(z.meta({ description: "The amount in the currency's minor unit (cents, paise …)" }), z.minimum(1), z.maximum(MAX_MINOR_UNITS)),
    currency: z.enum(CURRENCIES as [string, ...string[]]),
    payment_method: z.enum(PAYMENT_METHODS),
    card_no: z.string().check(z.meta({ description: 'Masked: only the last four digits' }), z.regex(/^XXXX-XXXX-XXXX-\d{4}$/)),
    card_brand: z.enum(CARD_BRANDS),
    card_last4: z.string().check(z.regex(/^\d{4}$/)),
    card_expiry: z.string().check(z.meta({ description: 'The expiry month, YYYY-MM' }), z.regex(/^\d{4}-(0[1-9]|1[0-2])$/)),
    status: z.enum(PAYMENT_STATUSES).check(z.meta(statusMachine)),
    description: z.optional(description()),
    version: version(),
    created_at: timestamp(),
    updated_at: timestamp(),
  });
export const paymentPage = () => page(payment());

export type PublicPayment = z.output<ReturnType<typeof payment>>;
