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

/**
 * The networks a number may belong to: IIN prefixes ("51-55" is a range of prefixes of one length)
 * and the lengths each issues. A number in none of them (all zeros, an unassigned range) is refused.
 * The OpenAPI document carries this table as `x-card-networks` (shared/schemas/payments.ts).
 */
export const CARD_NETWORKS: Record<Exclude<CardBrand, 'unknown'>, { readonly prefixes: readonly string[]; readonly lengths: readonly number[] }> = {
  amex: { prefixes: ['34', '37'], lengths: [15] },
  visa: { prefixes: ['4'], lengths: [13, 16, 19] },
  mastercard: { prefixes: ['51-55', '2221-2720'], lengths: [16] },
  discover: { prefixes: ['6011', '644-649', '65'], lengths: [16, 17, 18, 19] },
  jcb: { prefixes: ['3528-3589'], lengths: [16, 17, 18, 19] },
  diners: { prefixes: ['300-305', '3095', '36', '38', '39'], lengths: [14, 15, 16, 17, 18, 19] },
  unionpay: { prefixes: ['62'], lengths: [16, 17, 18, 19] },
  maestro: { prefixes: ['5018', '5020', '5038', '5893', '6304', '6759', '6761-6763'], lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
};

const startsIn = (digits: string, prefix: string) => {
  const [low = '', high = low] = prefix.split('-');
  const head = Number(digits.slice(0, low.length));
  return digits.length >= low.length && head >= Number(low) && head <= Number(high);
};

/** The card network from the number's leading digits and its length (IIN ranges); 'unknown' when none issues it. */
export function cardBrand(digits: string): CardBrand {
  for (const [brand, { prefixes, lengths }] of Object.entries(CARD_NETWORKS)) {
    if (lengths.includes(digits.length) && prefixes.some((prefix) => startsIn(digits, prefix))) return brand as CardBrand;
  }
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
