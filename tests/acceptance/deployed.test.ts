/**
 * The acceptance scenarios against a deployed stage: `npm run test:deployed` (vitest.deployed.config.ts).
 * `npm test` never runs this file.
 *
 * Every request of this run goes through the pacer (tests/acceptance/pacing.ts): the run sends from
 * one address, which the WAF limits to WAF_RATE_LIMIT requests a minute (the stack's wafRateLimit,
 * 600 unless it was deployed with another).
 */
import { pacer } from './pacing.ts';
import { acceptanceScenarios } from './scenarios.ts';
import { targetFromEnvironment } from './target.ts';

const paced = pacer(globalThis.fetch, { wafRateLimit: Number(process.env.WAF_RATE_LIMIT ?? 600) });
globalThis.fetch = paced.fetch;

acceptanceScenarios({ ...targetFromEnvironment(process.env), room: paced.room });
