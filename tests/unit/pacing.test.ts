/**
 * `npm run test:deployed`'s pace (tests/acceptance/pacing.ts) against the WAF's per-address rule as
 * the local gateway applies it (tools/local/gateway/limits.ts), on a virtual clock: a run shaped like
 * the acceptance scenarios never trips the rule, and a refusal's Retry-After is waited out.
 */
import { describe, expect, it } from 'vitest';
import { gatewayResponseHeaders } from '../../infra/gateway-contract.ts';
import { RateBasedRule } from '../../tools/local/gateway/limits.ts';
import { type Clock, Pace, pacer } from '../acceptance/pacing.ts';

/**
 * Send times of a run shaped like the scenarios' (a heavier one: 1,000 requests in about 15 s unpaced):
 * requests one after another with `gap` ms for each answer, a flood all at once, then more one after
 * another, each at the time its pace allows.
 */
function run(pace: { slot(now: number): number }, { before = 600, flood = 300, after = 100, gap = 20 } = {}) {
  const times: number[] = [];
  let now = 0;
  for (let i = 0; i < before; i++) {
    now = pace.slot(now);
    times.push(now);
    now += gap; // the answer's way back
  }
  const floodTimes = Array.from({ length: flood }, () => pace.slot(now));
  times.push(...floodTimes);
  now = Math.max(...floodTimes) + gap;
  for (let i = 0; i < after; i++) {
    now = pace.slot(now);
    times.push(now);
    now += gap;
  }
  return times;
}

const refusedBy = (limit: number, times: number[]) => {
  const rule = new RateBasedRule(limit);
  return times.filter((t) => !rule.allows('198.51.100.7', t)).length;
};

const unpaced = { slot: (now: number) => now };

describe('the deployed run’s pace', () => {
  it('keeps a run that would trip the per-address rule under it, at every limit', () => {
    for (const limit of [600, 300, 100]) {
      expect(refusedBy(limit, run(unpaced)), `unpaced, against ${limit} a minute`).toBeGreaterThan(0);
      const times = run(new Pace(limit / 2));
      expect(refusedBy(limit, times), `paced, against ${limit} a minute`).toBe(0);
      expect(refusedBy(limit / 2, times), 'half the limit: room for someone else on the address').toBe(0);
    }
  });

  it('sends a flood at once (the usage plan’s throttle is what it meets) once the last minute has room for all of it', () => {
    const times = run(new Pace(300), { before: 20, flood: 120 });
    expect(new Set(times.slice(20, 140)).size).toBe(1);

    // A minute already nearly full: the flood waits for room, then goes at once, and the rule never trips.
    const pace = new Pace(100);
    const before = run(pace, { before: 90, flood: 0, after: 0 });
    const last = Math.max(...before);
    const roomAt = pace.roomAt(last, 80);
    expect(roomAt).toBeGreaterThan(last);
    const flood = Array.from({ length: 80 }, () => pace.slot(roomAt));
    expect(new Set(flood)).toEqual(new Set([roomAt]));
    expect(refusedBy(200, [...before, ...flood])).toBe(0);
    expect(() => pace.roomAt(roomAt, 101)).toThrow('101 requests at once exceed the pace of 100 a minute');
  });

  it('waits out the WAF’s Retry-After and sends again; a usage plan’s 429 or the quota’s is the caller’s', async () => {
    let now = 0;
    const slept: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        if (ms > 0) slept.push(ms);
        now += Math.max(0, ms);
      },
    };
    // Someone else on the address spent its minute just now.
    const rule = new RateBasedRule(600);
    for (let i = 0; i < 600; i++) rule.allows('198.51.100.7', 0);
    const headers = Object.fromEntries(Object.entries(gatewayResponseHeaders('WAF_FILTERED', [])).map(([name, v]) => [name, 'value' in v ? v.value : '']));
    const stage = async () => (rule.allows('198.51.100.7', now) ? new Response('{}', { status: 200 }) : new Response('{}', { status: 429, headers }));
    const res = await pacer(stage, { wafRateLimit: 600, clock }).fetch('https://api.example/prod/health');
    expect(res.status).toBe(200);
    expect(slept).toEqual([Number(headers['retry-after']) * 1000]);

    for (const retryAfter of ['1', '3600']) {
      const answer = async () => new Response('{}', { status: 429, headers: { 'retry-after': retryAfter } });
      expect((await pacer(answer, { wafRateLimit: 600, clock }).fetch('https://api.example/prod/me')).status).toBe(429);
    }
    expect(slept).toHaveLength(1);
  });
});
