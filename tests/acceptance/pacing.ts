/**
 * The pace of `npm run test:deployed`, which sends every request from one address: in any 60 seconds
 * at most half of what the WAF's per-address rule allows (WAF_RATE_LIMIT, the stack's `wafRateLimit`,
 * 600 by default), so the run never trips it, even with the WAF's counting being approximate and
 * someone else on the same address; and a request the WAF refuses all the same (its 429 with a
 * Retry-After of a minute) is sent again once that time has passed.
 */

/** Above this, a 429's Retry-After is not a usage plan's throttle (1 s, which the scenarios wait out or count themselves). */
const THROTTLE_RETRY_AFTER_SECONDS = 5;
/** Beyond this, a Retry-After is the monthly quota's (an hour): the run fails with it rather than waiting. */
const LONGEST_WAIT_SECONDS = 120;
const WINDOW_MS = 60_000;

/**
 * When each request may go: at the earliest moment the last 60 seconds before it hold fewer than
 * `budget` requests. Booking is synchronous, so concurrent requests never share a slot.
 */
export class Pace {
  private readonly booked: number[] = [];
  constructor(readonly budget: number) {}

  /** When `requests` more may go at once after `now`: once the last 60 seconds hold no more than budget - requests. */
  roomAt(now: number, requests: number): number {
    if (requests > this.budget) throw new Error(`${requests} requests at once exceed the pace of ${this.budget} a minute (half of WAF_RATE_LIMIT)`);
    const allowed = this.budget - requests;
    return this.booked.length <= allowed ? now : Math.max(now, (this.booked[this.booked.length - allowed - 1] ?? 0) + WINDOW_MS);
  }

  /** Books a request wished for at `now` (milliseconds, never decreasing) and returns when it may go. */
  slot(now: number): number {
    const earliest = this.booked.length >= this.budget ? (this.booked[this.booked.length - this.budget] ?? 0) + WINDOW_MS : now;
    const at = Math.max(now, earliest);
    this.booked.push(at);
    if (this.booked.length > this.budget) this.booked.shift();
    return at;
  }
}

/** Seconds the WAF asks a refused client to wait, or undefined when this answer is not such a refusal. */
export function wafRetryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  const isWafBlock = response.status === 429 && seconds > THROTTLE_RETRY_AFTER_SECONDS && seconds <= LONGEST_WAIT_SECONDS;
  return isWafBlock ? seconds : undefined;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((done) => setTimeout(done, Math.max(0, ms))),
};

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * `fetch`: `send` at the pace above, waiting out the WAF's refusals (at most `attempts` sends of a
 * request); `room(n)`: waits until n requests may go at once (a flood meant to meet a throttle).
 */
export function pacer(send: Fetch, { wafRateLimit, clock = realClock, attempts = 5 }: { wafRateLimit: number; clock?: Clock; attempts?: number }) {
  const pace = new Pace(Math.floor(wafRateLimit / 2));
  const fetch: Fetch = async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      await clock.sleep(pace.slot(clock.now()) - clock.now());
      const response = await send(input, init);
      const wait = wafRetryAfter(response);
      if (wait === undefined || attempt === attempts) return response;
      await response.arrayBuffer();
      await clock.sleep(wait * 1000);
    }
  };
  const room = (requests: number) => clock.sleep(pace.roomAt(clock.now(), requests) - clock.now());
  return { fetch, room };
}
