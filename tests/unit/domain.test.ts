/** The domain rules on their own, in milliseconds: money, payments, passwords, keys, cursors. */
import { describe, expect, it } from 'vitest';
import { idempotencyKeys } from '../../shared/db/idempotency.ts';
import { kvKeys } from '../../shared/db/kv.ts';
import { markerKey } from '../../shared/db/markers.ts';
import { sessionKeys } from '../../shared/db/sessions.ts';
import { profileKey, userPartition } from '../../shared/db/user-partition.ts';
import { cardBrand, expiryMonth, luhnValid } from '../../shared/domain/card.ts';
import { isMoney, MAX_MINOR_UNITS, minorUnits, moneyOf, NON_MONETARY, toDecimal, toMinor } from '../../shared/domain/money.ts';
import { canBecome, EDITABLE_FIELDS, PAYMENT_STATUSES, type Payment, revisePayment } from '../../shared/domain/payment.ts';
import { normaliseEmail, normaliseUsername } from '../../shared/domain/user.ts';
import { InvalidInput } from '../../shared/errors.ts';
import { currentPassword, password } from '../../shared/schemas/common.ts';
import { createPaymentBody } from '../../shared/schemas/payments.ts';
import { paged } from '../../shared/services/paging.ts';
import { defined } from '../../tools/values.ts';

describe('money', () => {
  it('knows each currency’s decimals from ISO 4217', () => {
    expect([minorUnits('EUR'), minorUnits('JPY'), minorUnits('KWD'), minorUnits('CLF')]).toEqual([2, 0, 3, 4]);
    expect(NON_MONETARY.has('XAU')).toBe(true);
  });

  it('converts decimals to minor units exactly, with no float on the way', () => {
    expect(toMinor('500.5', 'USD')).toBe(50050n);
    expect(toMinor(0.1 + 0.2, 'USD')).toBeUndefined(); // 0.30000000000000004 is no amount
    expect(toMinor(19.99, 'EUR')).toBe(1999n);
    expect(toMinor('1000', 'JPY')).toBe(1000n);
    expect(toMinor('1.500', 'JPY')).toBeUndefined(); // a yen has no decimals; trailing zeros do not make one
    expect(toMinor('1.0', 'JPY')).toBe(1n);
    expect(toMinor('0.123', 'KWD')).toBe(123n);
    for (const bad of ['', ' ', '1e3', '-1', '+1', '1.', '.5', '0x10', '1,5', '1.23456', 'Infinity']) expect(toMinor(bad, 'USD'), bad).toBeUndefined();
  });

  it('writes minor units back as the exact decimal text', () => {
    expect(toDecimal(50050, 'USD')).toBe('500.50');
    expect(toDecimal(5, 'USD')).toBe('0.05');
    expect(toDecimal(1000, 'JPY')).toBe('1000');
    expect(toDecimal(MAX_MINOR_UNITS, 'USD')).toBe('10000000000000.00');
    for (const [amount, currency] of [
      ['123.45', 'EUR'],
      ['7', 'JPY'],
      ['0.001', 'BHD'],
    ] as const) {
      expect(toDecimal(Number(toMinor(amount, currency)), currency)).toBe(Number(amount).toFixed(minorUnits(currency)));
    }
  });

  it('makes Money only of a positive amount of at most 10^15 minor units, with the decimals of its currency', () => {
    expect(moneyOf('10000000000000', 'USD')).toEqual({ minor: MAX_MINOR_UNITS, currency: 'USD' });
    expect(moneyOf(500.5, 'USD')).toEqual({ minor: 50050, currency: 'USD' });
    expect(moneyOf('0.00', 'USD')).toEqual({ detail: 'The amount must be positive.', message: 'Amount must be positive' });
    for (const [amount, currency] of [
      ['10000000000000.01', 'USD'],
      ['1.5', 'JPY'],
      ['abc', 'EUR'],
    ] as const) {
      const money = moneyOf(amount, currency);
      expect(isMoney(money), `${amount} ${currency}`).toBe(false);
      expect(money).toMatchObject({ detail: expect.stringContaining(currency), message: expect.stringContaining(currency) });
    }
  });
});

describe('payments', () => {
  it('move status only forward: pending → completed → refunded, or pending → failed', () => {
    const allowed = PAYMENT_STATUSES.flatMap((from) => PAYMENT_STATUSES.filter((to) => from !== to && canBecome(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(['completed→refunded', 'pending→completed', 'pending→failed']);
    for (const status of PAYMENT_STATUSES) expect(canBecome(status, status)).toBe(true);
  });

  it('check card numbers with Luhn and name their network', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(
      [
        '4111111111111111',
        '5555555555554444',
        '2223003122003222',
        '378282246310005',
        '6011111111111117',
        '3530111333300000',
        '36227206271667',
        '6200000000000005',
      ].map(cardBrand),
    ).toEqual(['visa', 'mastercard', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay']);
    // Luhn-valid numbers no network issues: all zeros, an unassigned range, a Visa prefix at a length Visa never issues.
    expect(['000000000000', '0000000000000000000', '9999999999999995', '1234567812345670', '41111111111114'].map(cardBrand)).toEqual(Array(5).fill('unknown'));
  });

  it('read expiries as the seed writes them and as cards print them', () => {
    expect(expiryMonth('2026-12-01')).toBe('2026-12');
    expect(expiryMonth('12/30')).toBe('2030-12');
    for (const bad of ['13/30', '2026-13-01', '1/30', '12/2030', '']) expect(expiryMonth(bad), bad).toBeUndefined();
  });

  it('take the CVC but refuse an expired card', () => {
    const body = { amount: 10, currency: 'EUR', payment_method: 'Credit Card', card_no: '4111 1111 1111 1111', card_cvc: '123' };
    expect(createPaymentBody().safeParse({ ...body, card_expiry: '12/99' }).success).toBe(true);
    expect(createPaymentBody().safeParse({ ...body, card_expiry: '01/20' }).success).toBe(false);
  });

  it('parse a body into Money and a Card once, and keep no CVC', () => {
    const parsed = createPaymentBody().parse({
      amount: '500.5',
      currency: 'INR',
      payment_method: 'Credit Card',
      card_no: '4111 1111 1111 1111',
      card_expiry: '2099-12-01',
      card_cvc: '123',
    });
    expect(parsed).toEqual({
      amount: { minor: 50050, currency: 'INR' },
      payment_method: 'Credit Card',
      card: { digits: '4111111111111111', brand: 'visa', last4: '1111', expiryMonth: '2099-12' },
      status: 'pending',
    });
    const tooPrecise = createPaymentBody().safeParse({
      payment_method: 'Credit Card',
      amount: 10.5,
      currency: 'JPY',
      card_no: '4111111111111111',
      card_expiry: '12/99',
      card_cvc: '123',
    });
    expect(tooPrecise.error?.issues).toEqual([expect.objectContaining({ path: ['amount'], message: 'At most 0 decimals for JPY' })]);
  });

  it('change the amount and the card only while pending, and the status only forward', () => {
    const pending: Payment = {
      payment_id: 'p',
      user_id: 'u',
      amount: { minor: 9995, currency: 'USD' },
      payment_method: 'Credit Card',
      card: { sealed: 'sealed', brand: 'visa', last4: '1111', expiryMonth: '2099-12' },
      status: 'pending',
      version: 1,
      created_at: 'then',
      updated_at: 'then',
    };
    expect(revisePayment(pending, { currency: 'EUR', card_expiry: '2098-01' }, 'now')).toMatchObject({
      amount: { minor: 9995, currency: 'EUR' },
      card: { sealed: 'sealed', expiryMonth: '2098-01' },
      version: 2,
      updated_at: 'now',
    });
    expect(() => revisePayment(pending, { currency: 'JPY' }, 'now')).toThrow(/at most 0 decimals for JPY/); // 99.95 has decimals a yen has not
    const completed = revisePayment(pending, { status: 'completed' }, 'now');
    expect(() => revisePayment(completed, { amount: 5, card_cvc: true }, 'later')).toThrow(
      'amount, card_cvc can change only while the payment is pending (it is completed).',
    );
    expect(() => revisePayment(completed, { status: 'pending' }, 'later')).toThrow('A completed payment cannot become pending.');
    expect(EDITABLE_FIELDS.refunded).toEqual(['status', 'description']);
    expect(() => revisePayment(completed, { payment_method: 'Debit Card' }, 'later')).toThrow('payment_method can change only while the payment is pending');
  });
});

describe('the password policy', () => {
  it('wants 8 characters with a lower-case letter, a capital, a digit and a symbol, within bcrypt’s 72 bytes', () => {
    expect(password().safeParse('Str0ng!Passw0rd').success).toBe(true);
    for (const weak of ['Sh0rt!', 'nocapital1!', 'NOLOWER1!', 'NoDigits!!', 'NoSymbol11', `A1!${'a'.repeat(70)}`, `A1!${'é'.repeat(35)}`]) {
      expect(password().safeParse(weak).success, weak).toBe(false);
    }
  });

  it('checks a password being proved (not set) by length only, so older passwords still sign in', () => {
    expect(currentPassword().safeParse('old').success).toBe(true);
    expect(currentPassword().safeParse('').success).toBe(false);
  });
});

describe('keys', () => {
  it('put everything of a user in partitions named after the user, and nothing personal in any key', () => {
    const userId = '3f0c1e9e-0000-4000-8000-000000000001';
    const inPartition = [
      profileKey(userId),
      sessionKeys.session(userId, 's'),
      sessionKeys.refreshToken(userId, 'h'),
      idempotencyKeys.record(userId, 'c'),
      kvKeys.usage(userId),
    ];
    for (const key of inPartition) expect(key.PK).toBe(userPartition(userId));
    expect(kvKeys.entry(userId, 'a/b').PK).toBe(kvKeys.partition(userId));
    expect(markerKey('email', 'hash').PK).toBe('EMAIL#hash');
  });

  it('compare emails and usernames without case or surrounding space', () => {
    expect(normaliseEmail('  Jane@Example.COM ')).toBe('jane@example.com');
    expect(normaliseUsername(' Jane_Doe')).toBe('jane_doe');
  });
});

describe('paging', () => {
  it('hands a list’s start key back only to the same list, and presents each item', async () => {
    const lastKey = { PK: 'USER#1', SK: 'PROFILE' };
    const first = await paged(
      'users.list',
      undefined,
      async (start) => ({ items: [start === undefined ? 1 : 2], lastKey }),
      (n) => n * 10,
    );
    expect(first.items).toEqual([10]);
    expect(first.next_cursor).toEqual(expect.any(String));
    const seen: unknown[] = [];
    const cursor = defined(first.next_cursor, 'a next cursor');
    const second = await paged('users.list', cursor, async (start) => {
      seen.push(start);
      return { items: [] };
    });
    expect(seen).toEqual([lastKey]);
    expect(second.next_cursor).toBeNull();
    await expect(paged('payments.list:all', cursor, async () => ({ items: [] }))).rejects.toBeInstanceOf(InvalidInput);
    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'BB' : 'AA'}`;
    await expect(paged('users.list', tampered, async () => ({ items: [] }))).rejects.toBeInstanceOf(InvalidInput);
  });
});
