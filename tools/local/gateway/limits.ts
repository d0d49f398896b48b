/**
 * The limits API Gateway and its WAF apply before a function runs: the token buckets of a usage
 * plan's throttle and of the stage, a usage plan's monthly quota, and the WAF's per-address rule.
 */
import { PER_ADDRESS_WINDOW_SECONDS } from '../../../infra/gateway-contract.ts';

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
 * The WAF's rate-based rule: more than `limit` requests from one address in the last window blocks it.
 * Every request counts, blocked ones too (as WAF counts them), so a flood stays blocked. AWS WAF
 * notices within about a minute; this rule at once.
 */
export class PerAddressLimit {
  private recent = new Map<string, number[]>();
  constructor(private readonly limit: number) {}

  allows(address: string, now = performance.now()): boolean {
    const since = now - PER_ADDRESS_WINDOW_SECONDS * 1000;
    const times = (this.recent.get(address) ?? []).filter((t) => t > since);
    times.push(now);
    this.recent.set(address, times.slice(-(this.limit + 1)));
    return times.length <= this.limit;
  }
}
