/**
 * The tests' one hand-written HTTP client (the typed one is openapi-fetch over shared/client/api.ts):
 * requests to a base URL as any client sends them. It imports nothing from the app, so the acceptance
 * scenarios send through it to a deployed stage as well as to the local gateway.
 */
import { request } from 'node:http';
import { expect } from 'vitest';
import { defined, type Json } from '../../tools/values.ts';

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  url: URL;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Sent as is (for malformed JSON and wrong content types). */
  raw?: string;
  /** Another key, or null for none. */
  apiKey?: string | null;
  /** The local address to send from (127.0.0.2, 127.0.0.3 …: Linux routes all of 127/8 to loopback), as a client elsewhere would. */
  from?: string;
}

export interface ClientOptions {
  apiKey: string;
  /** Sees every response. */
  observe?: (method: string, url: URL, response: ApiResponse) => void;
  /** Every error answer must be problem+json (the acceptance scenarios' rule). */
  checkErrors?: boolean;
  /** `call` waits out a usage-plan 429 (a Retry-After of a few seconds) and sends again, as a well-behaved client does. */
  waitOutThrottling?: boolean;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** One request from a chosen local address (fetch cannot choose one without undici's Agent). */
function sendFrom(localAddress: string, url: URL, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }; // node:http frames no DELETE body by itself
    // family: an IPv4 source reaches `localhost` over IPv4 (a lookup may name ::1 first).
    const req = request(url, { method, headers: { ...headers, ...length }, localAddress, family: localAddress.includes(':') ? 6 : 4 }, (res) => {
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

export type HttpClient = ReturnType<typeof httpClient>;

export function httpClient(baseUrl: string, options: ClientOptions) {
  const base = baseUrl.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, call: CallOptions): Promise<ApiResponse<T>> {
    const url = new URL(base + path);
    const headers: Record<string, string> = { ...call.headers };
    if (call.apiKey !== null) headers['x-api-key'] = call.apiKey ?? options.apiKey;
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    let body = call.raw;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] ??= 'application/json';
    }
    const received = call.from
      ? await sendFrom(call.from, url, method, headers, body)
      : await fetch(url, { method, headers, body, redirect: 'manual' }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
    let parsed: unknown = received.text;
    try {
      parsed = received.text ? JSON.parse(received.text) : undefined;
    } catch {}
    const response = { ...received, body: parsed as T, url };
    options.observe?.(method, url, response as ApiResponse);
    return response;
  }

  function checked<T>(method: string, response: ApiResponse<T>): ApiResponse<T> {
    if (options.checkErrors && response.status >= 400) {
      const where = `${method} ${response.url.pathname} → ${response.status}: ${response.text.slice(0, 300)}`;
      expect(response.headers.get('content-type')?.split(';')[0], where).toBe('application/problem+json');
      expect(response.body, where).toMatchObject({ type: expect.any(String), title: expect.any(String), status: response.status });
    }
    return response;
  }

  /** One request, never sent again. */
  const send = async <T = Json>(method: string, path: string, call: CallOptions = {}) => checked(method, await request<T>(method, path, call));

  /** A request, sent again after a usage-plan 429 when the client waits out throttling. */
  async function call<T = Json>(method: string, path: string, call: CallOptions = {}): Promise<ApiResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      const response = await request<T>(method, path, call);
      const retryAfter = Number(response.headers.get('retry-after'));
      if (!options.waitOutThrottling || response.status !== 429 || !(retryAfter <= 5) || attempt === 10) return checked(method, response);
      await sleep(retryAfter * 1000);
    }
  }

  return {
    /** The base URL without a trailing slash. */
    base,
    baseUrl: base,
    send,
    call,
    get: <T = Json>(path: string, o?: CallOptions) => call<T>('GET', path, o),
    post: <T = Json>(path: string, body?: unknown, o?: CallOptions) => call<T>('POST', path, { ...o, body }),
    put: <T = Json>(path: string, body?: unknown, o?: CallOptions) => call<T>('PUT', path, { ...o, body }),
    patch: <T = Json>(path: string, body?: unknown, o?: CallOptions) => call<T>('PATCH', path, { ...o, body }),
    delete: <T = Json>(path: string, o?: CallOptions) => call<T>('DELETE', path, o),
    /** GET of a response's Location, resolved against the URL that answered, as a client would follow it. */
    follow: <T = Json>(response: ApiResponse, o?: CallOptions) => {
      const location = new URL(response.headers.get('location') ?? '', response.url);
      expect(location.href.startsWith(`${base}/`), `Location ${location.href} lies outside ${base}/`).toBe(true);
      return call<T>('GET', location.href.slice(base.length), o);
    },
  };
}
