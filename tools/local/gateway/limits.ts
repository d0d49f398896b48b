/**
 * The limits API Gateway and its WAF apply before a function runs: the token buckets of a usage
 * plan's throttle and of the stage, a usage plan's monthly quota, the WAF's rate-based rules (per
 * address, per session) and its body rule, and API Gateway's quotas on a request's head.
 */
import { contentLengthRule, PER_ADDRESS_WINDOW_SECONDS, requestQuotas } from '../../../infra/gateway-contract.ts';

/** Token bucket per API key: `rateLimit` tokens a second, at most `burstLimit` stored (monotonic clock). */
export class TokenBucket {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly limits: { rateLimit: number; burstLimit: number }) {}

  /** Takes a token if one is there. */
  take(key: string, now = performance.now()): boolean {
    const { rateLimit, burstLimit } = this.limits;
    const bucket = this.buckets.get(key) ?? { tokens: burstLimit, at: now };
    bucket.tokens = Math.min(burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * rateLimit);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/** Requests per API key in the current UTC month, against the usage plan's quota. */
export class MonthlyQuota {
  private counts = new Map<string, { month: string; count: number }>();
  constructor(private readonly limit: number) {}

  take(key: string, now = new Date()): boolean {
    const month = now.toISOString().slice(0, 7);
    const entry = this.counts.get(key);
    const count = entry?.month === month ? entry.count + 1 : 1;
    this.counts.set(key, { month, count });
    return count <= this.limit;
  }
}

/**
 * A WAF rate-based rule: more than `limit` requests with one key (a source address, a session's
 * token) in the last window blocks that key. Every request it evaluates counts, blocked ones too (as
 * WAF counts them), so a flood stays blocked. AWS WAF notices within about half a minute; this rule
 * at once.
 */
export class RateBasedRule {
  private recent = new Map<string, number[]>();
  constructor(private readonly limit: number) {}

  allows(key: string, now = performance.now()): boolean {
    const since = now - PER_ADDRESS_WINDOW_SECONDS * 1000;
    const times = (this.recent.get(key) ?? []).filter((t) => t > since);
    times.push(now);
    this.recent.set(key, times.slice(-(this.limit + 1)));
    return times.length <= this.limit;
  }
}

const declaredLength = new RegExp(contentLengthRule.pattern);

/** The WAF's body rule: a body whose Content-Length is missing or over the limit is refused. */
export const bodyRuleRefuses = (contentLength: string | undefined, body: string | undefined) =>
  body !== '' && !(contentLength !== undefined && declaredLength.test(contentLength));

/**
 * Whether a request's head is over API Gateway's quotas: its URL (path and query, as sent) in
 * characters, and its headers in bytes, names, values, ": " and line ends included.
 */
export function overRequestQuotas(url: string, rawHeaders: string[]): boolean {
  if (url.length > requestQuotas.urlCharacters) return true;
  let bytes = 0;
  // Node reads header bytes as latin1: one character a byte.
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) bytes += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`.length;
  return bytes > requestQuotas.headerBytes;
}
