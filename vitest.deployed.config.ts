/**
 * `npm run test:deployed`: the acceptance scenarios against API_URL with API_KEY (and the admin
 * scenarios with ADMIN_EMAIL and ADMIN_PASSWORD). No DynamoDB Local, no local gateway.
 */
import { defineConfig } from 'vitest/config';
import { type Target, targetFromEnvironment } from './tests/acceptance/target.ts';

let target: Target;
try {
  target = targetFromEnvironment(process.env);
} catch (error) {
  console.error((error as Error).message); // what is missing, before any test, without a stack
  process.exit(1);
}
console.log(`Acceptance scenarios against ${target.baseUrl}${target.admin ? ` (admin ${target.admin.email})` : ' (no admin: admin scenarios skipped)'}`);

export default defineConfig({
  test: {
    include: ['tests/acceptance/deployed.test.ts'],
    // Cold starts of ~30 functions, bcrypt at 1,536 MB, the clean-up's sign-ins, and the pace: a request
    // may wait up to a minute for room under the WAF's limit, or a minute more after a WAF refusal.
    testTimeout: 240_000,
    hookTimeout: 300_000,
  },
});
