/**
 * The acceptance scenarios against a deployed stage: `npm run test:deployed` (vitest.deployed.config.ts).
 * `npm test` never runs this file.
 */
import { acceptanceScenarios } from './scenarios.ts';
import { targetFromEnvironment } from './target.ts';

acceptanceScenarios(targetFromEnvironment(process.env));
