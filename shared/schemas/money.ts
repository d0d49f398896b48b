/**
 * Money is stored as integer minor units with its currency, never as a float. The decimals a currency
 * allows follow ISO 4217 (not CLDR, which rounds some currencies for display).
 */
import { badRequest } from '../http/problem.ts';

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

/** "500.5" or 500.5 in a currency → integer minor units (50050), or undefined if it has too many decimals. */
export function toMinor(amount: number | string, currency: string): number | undefined {
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  if (!DECIMAL.test(text)) return undefined;
  const [whole, fraction = ''] = text.split('.');
  const digits = minorUnits(currency);
  if (fraction.replace(/0+$/, '').length > digits) return undefined;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export const fromMinor = (minor: number, currency: string) => minor / 10 ** minorUnits(currency);

export function requireMinor(amount: number | string, currency: string): number {
  const minor = toMinor(amount, currency);
  if (minor === undefined || minor <= 0) {
    throw badRequest(`The amount must be positive with at most ${minorUnits(currency)} decimals for ${currency}.`, [
      { path: 'body.amount', message: `At most ${minorUnits(currency)} decimals for ${currency}` },
    ]);
  }
  return minor;
}
