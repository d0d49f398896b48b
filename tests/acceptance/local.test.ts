/**
 * The acceptance scenarios against the local gateway, with the stack's usage-plan limits and an
 * admin bootstrapped as `npm start` does. Every response is also checked against the OpenAPI document.
 */
import { Secret } from 'otpauth';
import { beforeAll } from 'vitest';
import { usagePlanThrottle } from '../../infra/gateway-contract.ts';
import { totps } from '../../shared/db/factors.ts';
import { users } from '../../shared/db/users.ts';
import { bootstrapAdmin } from '../../tools/local/bootstrap.ts';
import { routeFor } from '../../tools/local/gateway/index.ts';
import { verificationToken } from '../support/accounts.ts';
import { API_KEY, useGateway } from '../support/api.ts';
import { acceptanceScenarios } from './scenarios.ts';

const gateway = useGateway({ throttle: usagePlanThrottle });
// Bootstrapped as npm start does, with an authenticator (admin routes need a second factor, as deployed).
const admin = { email: 'acceptance-admin@example.com', password: 'Local-Admin-Pass-1!', totpSecret: new Secret({ size: 20 }).base32 };
beforeAll(async () => {
  await bootstrapAdmin(admin.email, admin.password);
  const adminId = (await users.findByEmail(admin.email))?.user_id ?? '';
  await totps.startPending(adminId, admin.totpSecret);
  await totps.acceptStep(adminId, 0, true);
});

acceptanceScenarios({
  get baseUrl() {
    return gateway.api.baseUrl; // known once the gateway listens
  },
  apiKey: API_KEY,
  admin,
  verificationToken: (email) => verificationToken(email),
  observe: (method, url, { status, headers, body }) => {
    const routeId = routeFor(method, url.pathname);
    if (routeId) gateway.seen.push({ routeId, status, contentType: headers.get('content-type'), body });
  },
});
