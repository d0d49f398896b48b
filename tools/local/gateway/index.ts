/**
 * A local API Gateway (REST API, Lambda proxy integration) for the real handlers. It applies the
 * gateway contract (infra/gateway-contract.ts) with the deployment settings of cdk.json, as the
 * stack does: the route table's methods, the API keys, the usage plans' throttle and the clients' monthly
 * quota, the stage throttle, the WAF's per-address and per-session limits and its body rule, the
 * payload limit and the quotas on a request's head, CORS preflights, compression, and every answer
 * the gateway makes itself. It builds REST v1 proxy events as API Gateway does (null vs {}
 * included) and invokes each route's function through the local Lambda service (tools/local/lambda.ts).
 *
 * routing.ts: the route table as API Gateway's resource tree; events.ts: the proxy events;
 * limits.ts: token buckets, the monthly quota, the WAF's rules, the quotas on a request's head; server.ts: createGateway.
 */
export { buildEvent } from './events.ts';
export { TokenBucket } from './limits.ts';
export { routeFor } from './routing.ts';
export { createGateway, type GatewayOptions } from './server.ts';
