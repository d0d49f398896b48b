/** Starts the local gateway on a free port and talks to it over real HTTP, as a client would. */
import { type AddressInfo, createServer } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RouteId } from '../../shared/routes.ts';
import { createGateway, type GatewayOptions, routeFor } from '../../tools/local/gateway/index.ts';
import { type LocalLambda, type LocalLambdaOptions, localLambdaOptions, startLocalLambda } from '../../tools/local/lambda.ts';
import { contractViolations, type SeenResponse } from './contract.ts';
import { type HttpClient, httpClient } from './http-client.ts';

export const API_KEY = 'test-api-key';
export const CONSOLE_KEY = 'test-console-key';

export type { ApiResponse, CallOptions } from './http-client.ts';
export type Api = HttpClient;

/** A client of the local gateway; every response it receives is recorded for the OpenAPI check (contract.ts). */
export const clientFor = (baseUrl: string, seen: SeenResponse[] = []): Api =>
  httpClient(baseUrl, {
    apiKey: API_KEY,
    observe: (method, url, response) => {
      const routeId = routeFor(method, url.pathname);
      if (routeId) seen.push({ routeId, status: response.status, contentType: response.headers.get('content-type'), body: response.body });
    },
  });

/**
 * A gateway for this test file, with its own local Lambda service configured as tests/support/env.ts
 * configured this process (table, secrets, log level). The key throttle is generous and the
 * per-address limit off by default, so ordinary tests (all from 127.0.0.1) are not throttled; the
 * tests of those limits start one with the stack's. When the file is done, every response it
 * received is checked against the OpenAPI document.
 */
/** A port free now (for a gateway that must know its own URL before it listens). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/**
 * `selfOrigin`: the gateway's own address, as http://localhost:<port>, is the functions' public URL
 * and the client's base URL (passkeys: the relying party is the public URL's host, and an IP address
 * cannot be one).
 */
export function useGateway(options: Partial<GatewayOptions> = {}, functions: Partial<LocalLambdaOptions> = {}, { selfOrigin = false } = {}) {
  const events: { event: APIGatewayProxyEvent; routeId: RouteId }[] = [];
  const seen: SeenResponse[] = [];
  const state = { api: undefined as unknown as Api, events, seen, lambda: undefined as unknown as LocalLambda };
  let server: ReturnType<typeof createGateway>;
  beforeAll(async () => {
    const port = selfOrigin ? await freePort() : 0;
    state.lambda = await startLocalLambda({
      ...localLambdaOptions(),
      ...(selfOrigin && { publicUrl: `http://localhost:${port}` }),
      corsOrigins: options.config?.corsOrigins ?? [],
      log: (line) => console.error(`[lambda] ${line}`), // why a request got a 502
      ...functions,
    });
    server = createGateway({
      apiKey: API_KEY,
      consoleKey: CONSOLE_KEY,
      lambda: state.lambda,
      throttle: { rateLimit: 10_000, burstLimit: 10_000 },
      onEvent: (event, routeId) => events.push({ event, routeId }),
      ...options,
      config: { waf: false, ...options.config },
    });
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    const host = selfOrigin ? 'localhost' : '127.0.0.1';
    state.api = clientFor(`http://${host}:${(server.address() as AddressInfo).port}`, seen);
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await state.lambda.close();
    expect(contractViolations(seen), 'responses that contradict the OpenAPI document').toEqual([]);
  });
  return state;
}
