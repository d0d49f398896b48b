/**
 * The acceptance scenarios against the local gateway, with the stack's usage-plan limits and an
 * admin bootstrapped as `npm start` does. Every response is also checked against the OpenAPI document.
 */
import { beforeAll } from 'vitest';
import { usagePlanThrottle } from '../../infra/gateway-contract.ts';
import { bootstrapAdmin } from '../../tools/local/bootstrap.ts';
import { routeFor } from '../../tools/local/gateway/index.ts';
import { API_KEY, useGateway } from '../support/api.ts';
import { acceptanceScenarios } from './scenarios.ts';

const gateway = useGateway({ throttle: usagePlanThrottle });
const admin = { email: 'acceptance-admin@example.com', password: 'Local-Admin-Pass-1!' };
beforeAll(() => bootstrapAdmin(admin.email, admin.password));

acceptanceScenarios({
  get baseUrl() {
    return gateway.api.baseUrl; // known once the gateway listens
  },
  apiKey: API_KEY,
  admin,
  observe: (method, url, { status, headers, body }) => {
    const routeId = routeFor(method, url.pathname);
    if (routeId) gateway.seen.push({ routeId, status, contentType: headers.get('content-type'), body });
  },
});
