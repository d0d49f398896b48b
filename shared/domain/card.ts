/**
 * Payment cards: the number's check digit (Luhn), its network (IIN ranges), its expiry month, and the
 * CVC's length. A Card is a number that passed every check; the CVC is checked and never kept.
 */
export const CARD_BRANDS = ['amex', 'visa', 'mastercard', 'discover', 'jcb', 'diners', 'unionpay', 'maestro', 'unknown'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export interface Card {
  /** The full number, digits only: sealed before it is stored, never answered or logged. */
  readonly digits: string;
  readonly brand: CardBrand;
  readonly last4: string;
  /** The last month the card is valid, YYYY-MM. */
  readonly expiryMonth: string;
}

/** The number without the spaces and dashes people type between groups. */
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

/** The card network from the number's leading digits (IIN ranges). */
export function cardBrand(digits: string): CardBrand {
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
export const CARD_EXPIRY = /^(?:(\d{4})-(0[1-9]|1[0-2])-\d{2}|(0[1-9]|1[0-2])\/(\d{2}))$/;

/** "2026-12-01" or "12/26" → "2026-12"; undefined when neither. */
export function expiryMonth(expiry: string): string | undefined {
  const [match, year, month, shortMonth, shortYear] = CARD_EXPIRY.exec(expiry) ?? [];
  if (!match) return undefined;
  return year ? `${year}-${month}` : `20${shortYear}-${shortMonth}`;
}

/** A card is valid through its expiry month. */
export const hasExpired = (month: string, now = new Date()) => month < now.toISOString().slice(0, 7);

/** CVC length depends on the network: 4 digits for American Express, 3 for the others. */
export const cvcLength = (brand: CardBrand) => (brand === 'amex' ? 4 : 3);

/** A number's Card, from digits that passed the checks above and a valid expiry month. */
export const cardOf = (digits: string, month: string): Card => ({ digits, brand: cardBrand(digits), last4: digits.slice(-4), expiryMonth: month });

/** How a card number is answered: its last four digits only. */
export const maskedCardNumber = (last4: string) => `XXXX-XXXX-XXXX-${last4}`;

/** A card as stored: its number sealed (encrypted at rest and bound to its payment: db/payments.ts), the rest as a Card. */
export type SealedCard = Omit<Card, 'digits'> & { readonly sealed: string };
