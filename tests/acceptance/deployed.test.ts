/**
 * The acceptance scenarios against a deployed stage: `npm run test:deployed` (vitest.deployed.config.ts).
 * `npm test` never runs this file.
 *
 * Every request of this run goes through the pacer (tests/acceptance/pacing.ts): the run sends from
 * one address, which the WAF limits to WAF_RATE_LIMIT requests a minute (the stack's wafRateLimit,
 * 600 unless it was deployed with another).
 */
import { describe, expect, it } from 'vitest';
import { awsCli, healthFunction, withCrashedFunction } from './crash-check.ts';
import { pacer } from './pacing.ts';
import { acceptanceScenarios } from './scenarios.ts';
import { targetFromEnvironment } from './target.ts';

const paced = pacer(globalThis.fetch, { wafRateLimit: Number(process.env.WAF_RATE_LIMIT ?? 600) });
globalThis.fetch = paced.fetch;

const target = targetFromEnvironment(process.env);
acceptanceScenarios({ ...target, room: paced.room });

// Opt-in: it changes the deployed health function for a moment (tests/acceptance/crash-check.ts).
describe.runIf(process.env.CRASH_CHECK === '1')('a crashed function, through API Gateway (CRASH_CHECK=1)', () => {
  it('is answered as the local gateway answers it: the stack’s DEFAULT_5XX at 502, problem+json with Retry-After', async () => {
    const name = process.env.CRASH_CHECK_FUNCTION || healthFunction(awsCli);
    const res = await withCrashedFunction(awsCli, name, () => fetch(new URL('health', `${target.baseUrl.replace(/\/+$/, '')}/`)));
    const body = await res.json();
    console.log(`A crashed function through API Gateway: ${res.status} ${JSON.stringify(body)}`);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect({ status: res.status, bodyStatus: body.status }).toEqual({ status: 502, bodyStatus: 502 });
  });
});
