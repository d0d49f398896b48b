/**
 * Money: an integer number of a currency's minor unit (cents, paise, fils …), never a float. The
 * decimals a currency allows follow ISO 4217 (not CLDR, which rounds some currencies for display).
 */
export interface Money {
  /** Minor units: 50050 USD is 500.50 dollars. */
  readonly minor: number;
  /** An ISO 4217 code, in capitals. */
  readonly currency: string;
}

/** The decimals of the currencies that have other than 2 (ISO 4217); the OpenAPI document's `x-money`. */
export const MINOR_UNITS: Record<string, number> = {
  ...Object.fromEntries('BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'.split(' ').map((c) => [c, 0])),
  ...Object.fromEntries('BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};
/** Codes with no minor unit in ISO 4217 (metals, funds, testing): not payable here. */
export const NON_MONETARY = new Set('XAU XAG XPD XPT XBA XBB XBC XBD XDR XSU XUA XTS XXX XAD'.split(' '));

/** The ISO 4217 codes payable here (the current list, without metals, funds and testing codes): the OpenAPI document's enum. */
export const CURRENCIES = (
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY ' +
  'COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD ' +
  'IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN ' +
  'MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD ' +
  'SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF ' +
  'YER ZAR ZMW ZWG'
).split(' ');

export const minorUnits = (currency: string) => (Object.hasOwn(MINOR_UNITS, currency) ? (MINOR_UNITS[currency] as number) : 2);

/**
 * The largest amount in minor units: every amount is then an exact integer in DynamoDB and in
 * JavaScript (below 2^53), and its decimal form (at most 15 significant digits) an exact double.
 */
export const MAX_MINOR_UNITS = 10 ** 15;

/** A decimal as a client may write an amount: digits, and at most four decimals. */
export const DECIMAL = /^\d{1,15}(\.\d{1,4})?$/;

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

/** The amount in the major unit, as a JSON number: 50050 USD → 500.5. */
export const majorUnits = ({ minor, currency }: Money) => Number(toDecimal(minor, currency));

/** Why an amount is no money in a currency, in a sentence and as a field's message. */
export interface NotMoney {
  detail: string;
  message: string;
}

/** An amount as sent (a JSON number or a decimal string) in a currency: Money, or why not. */
export function moneyOf(amount: number | string, currency: string): Money | NotMoney {
  const minor = toMinor(amount, currency);
  const digits = minorUnits(currency);
  if (minor === undefined) {
    return {
      detail: `The amount must be a decimal number with at most ${digits} decimals for ${currency}.`,
      message: `At most ${digits} decimals for ${currency}`,
    };
  }
  if (minor <= 0n) return { detail: 'The amount must be positive.', message: 'Amount must be positive' };
  if (minor > BigInt(MAX_MINOR_UNITS)) {
    const most = toDecimal(MAX_MINOR_UNITS, currency);
    return { detail: `The amount can be at most ${most} ${currency}.`, message: `At most ${most} ${currency}` };
  }
  return { minor: Number(minor), currency };
}

export const isMoney = (value: Money | NotMoney): value is Money => 'minor' in value;
