import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Only `npm run test:deployed` (vitest.deployed.config.ts) calls a remote URL.
    exclude: [...configDefaults.exclude, 'tests/acceptance/deployed.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/env.ts'],
    testTimeout: 30_000,
    // A request may wait for its function's cold start (a worker loading its modules), as on Lambda.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    // Two cores: files run in parallel, each against its own table in one DynamoDB Local.
    maxWorkers: 2,
  },
});
