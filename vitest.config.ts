import { configDefaults, defineConfig } from 'vitest/config';
import { REQUEST_WAIT_MS } from './tools/local/cold-start.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Only `npm run test:deployed` (vitest.deployed.config.ts) calls a remote URL.
    exclude: [...configDefaults.exclude, 'tests/acceptance/deployed.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/env.ts'],
    // Limits that catch a hang, never a slow machine: two busy cores make a test several times slower
    // than on an idle one. No test asserts speed (npm run bench does); heavy setup (a synthesis, a
    // bundling, a browser, every function's cold start) sits in a hook with an explicit budget of its own.
    testTimeout: 120_000,
    // A request may wait for its function's cold start (a worker loading its modules), as on Lambda:
    // on a busy CI machine that took over 30 s once (a first token renewal in the console's test).
    expect: { poll: { timeout: REQUEST_WAIT_MS } },
    hookTimeout: 120_000,
    // Two cores: files run in parallel, each against its own table in one DynamoDB Local.
    maxWorkers: 2,
  },
});
