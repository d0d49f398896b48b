/** Starts the local gateway on a free port and talks to it over real HTTP, as a client would. */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RouteId } from '../../shared/routes.ts';
import { createGateway, type GatewayOptions, routeFor } from '../../tools/local/gateway/index.ts';
import { type LocalLambda, type LocalLambdaOptions, localLambdaOptions, startLocalLambda } from '../../tools/local/lambda.ts';
import { defined, type Json } from '../../tools/values.ts';
import { contractViolations, type SeenResponse } from './contract.ts';

export const API_KEY = 'test-api-key';
export const CONSOLE_KEY = 'test-console-key';

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Sent as is (for malformed JSON and wrong content types). */
  raw?: string;
  apiKey?: string | null;
  /** The local address to send from (127.0.0.2, 127.0.0.3 …: Linux routes all of 127/8 to loopback), as a client elsewhere would. */
  from?: string;
}

/** One request from a chosen local address (fetch cannot choose one without undici's Agent). */
function sendFrom(localAddress: string, url: string, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }; // node:http frames no DELETE body by itself
    const req = request(url, { method, headers: { ...headers, ...length }, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const received = Object.entries(res.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)] as [string, string]]));
        resolve({ status: defined(res.statusCode, 'a status code'), headers: new Headers(received), text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export type Api = ReturnType<typeof clientFor>;

export function clientFor(baseUrl: string, seen: SeenResponse[] = []) {
  const call = async <T = Json>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.apiKey !== null) headers['x-api-key'] = options.apiKey ?? API_KEY;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = options.from
      ? await sendFrom(options.from, baseUrl + path, method, headers, body)
      : await fetch(baseUrl + path, { method, headers, body, redirect: 'manual' }).then(async (r) => ({
          status: r.status,
          headers: r.headers,
          text: await r.text(),
        }));
    const { text } = response;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    const routeId = routeFor(method, new URL(baseUrl + path).pathname);
    if (routeId) seen.push({ routeId, status: response.status, contentType: response.headers.get('content-type'), body: parsed });
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
  return {
    baseUrl,
    call,
    get: <T = Json>(path: string, o?: CallOptions) => call<T>('GET', path, o),
    post: <T = Json>(path: string, body?: unknown, o?: CallOptions) => call<T>('POST', path, { ...o, body }),
    put: <T = Json>(path: string, body?: unknown, o?: CallOptions) => call<T>('PUT', path, { ...o, body }),
    patch: <T = Json>(path: string, body?: unknown, o?: CallOptions) => call<T>('PATCH', path, { ...o, body }),
    delete: <T = Json>(path: string, o?: CallOptions) => call<T>('DELETE', path, o),
  };
}

/**
 * A gateway for this test file, with its own local Lambda service configured as tests/support/env.ts
 * configured this process (table, secrets, log level). The key throttle is generous and the
 * per-address limit off by default, so ordinary tests (all from 127.0.0.1) are not throttled; the
 * tests of those limits start one with the stack's. When the file is done, every response it
 * received is checked against the OpenAPI document.
 */
export function useGateway(options: Partial<GatewayOptions> = {}, functions: Partial<LocalLambdaOptions> = {}) {
  const events: { event: APIGatewayProxyEvent; routeId: RouteId }[] = [];
  const seen: SeenResponse[] = [];
  const state = { api: undefined as unknown as Api, events, seen, lambda: undefined as unknown as LocalLambda };
  let server: ReturnType<typeof createGateway>;
  beforeAll(async () => {
    state.lambda = await startLocalLambda({
      ...localLambdaOptions(),
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
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    state.api = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await state.lambda.close();
    expect(contractViolations(seen), 'responses that contradict the OpenAPI document').toEqual([]);
  });
  return state;
}
