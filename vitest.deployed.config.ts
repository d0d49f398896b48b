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
    // Cold starts of ~30 functions, bcrypt at 1,536 MB, and the clean-up's sign-ins.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
