/**
 * Money is stored as integer minor units with its currency, never as a float. The decimals a currency
 * allows follow ISO 4217 (not CLDR, which rounds some currencies for display).
 */
import { InvalidInput } from '../errors.ts';

const MINOR_UNITS: Record<string, number> = {
  ...Object.fromEntries('BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'.split(' ').map((c) => [c, 0])),
  ...Object.fromEntries('BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};
/** Codes with no minor unit in ISO 4217 (metals, funds, testing): not payable here. */
export const NON_MONETARY = new Set('XAU XAG XPD XPT XBA XBB XBC XBD XDR XSU XUA XTS XXX XAD'.split(' '));

export const minorUnits = (currency: string) => MINOR_UNITS[currency] ?? 2;

const DECIMAL = /^\d{1,15}(\.\d{1,4})?$/;

/**
 * The largest amount in minor units: every amount is then an exact integer in DynamoDB and in
 * JavaScript (below 2^53), and its decimal form (at most 15 significant digits) an exact double.
 */
export const MAX_MINOR_UNITS = 10 ** 15;

/** "500.5" or 500.5 in a currency → integer minor units (50050n), or undefined if it is not a decimal with that many places. */
export function toMinor(amount: number | string, currency: string): bigint | undefined {
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  if (!DECIMAL.test(text)) return undefined;
  const [whole = '', fraction = ''] = text.split('.');
  const digits = minorUnits(currency);
  if (fraction.replace(/0+$/, '').length > digits) return undefined;
  return BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.slice(0, digits).padEnd(digits, '0') || '0');
}

/** Minor units as the decimal text of the major unit, exactly: 50050 USD → "500.50". */
export function toDecimal(minor: number, currency: string): string {
  const digits = minorUnits(currency);
  const text = String(minor).padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export const fromMinor = (minor: number, currency: string) => Number(toDecimal(minor, currency));

export function requireMinor(amount: number | string, currency: string): number {
  const minor = toMinor(amount, currency);
  const digits = minorUnits(currency);
  if (minor === undefined || minor <= 0n) {
    throw new InvalidInput(`The amount must be positive with at most ${digits} decimals for ${currency}.`, [
      { path: 'body.amount', message: `At most ${digits} decimals for ${currency}` },
    ]);
  }
  if (minor > BigInt(MAX_MINOR_UNITS)) {
    const most = toDecimal(MAX_MINOR_UNITS, currency);
    throw new InvalidInput(`The amount can be at most ${most} ${currency}.`, [{ path: 'body.amount', message: `At most ${most} ${currency}` }]);
  }
  return Number(minor);
}
