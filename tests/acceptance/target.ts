/**
 * The acceptance suite's only way into the API: HTTP to a target, as any client would. Nothing here
 * imports the app, so the same scenarios run against the local gateway and a deployed stage.
 */
import { expect } from 'vitest';
import type { Json } from '../../tools/values.ts';

export interface Target {
  /** The API's base URL as the stack prints it (`https://…/prod/`), stage prefix included. */
  baseUrl: string;
  apiKey: string;
  /** An existing admin account; the admin scenarios run only with one. */
  admin?: { email: string; password: string };
  /** Sees every response (the local run checks them against the OpenAPI document). */
  observe?: (method: string, url: URL, response: ApiResponse) => void;
  /** Waits until this many requests may go at once under the deployed run's pace (tests/acceptance/pacing.ts); none locally. */
  room?: (requests: number) => Promise<void>;
}

/** The target `npm run test:deployed` runs against, or an error that says what is missing. */
export function targetFromEnvironment(env: NodeJS.ProcessEnv): Target {
  const { API_URL: baseUrl, API_KEY: apiKey, ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = env;
  const missing = ['API_URL', 'API_KEY'].filter((name) => !env[name]);
  if (!baseUrl || !apiKey || Boolean(email) !== Boolean(password)) {
    throw new Error(
      `test:deployed needs ${missing.length > 0 ? missing.join(' and ') : 'ADMIN_EMAIL and ADMIN_PASSWORD together'}:\n` +
        '  API_URL=https://<id>.execute-api.<region>.amazonaws.com/prod/ API_KEY=<key> [ADMIN_EMAIL=… ADMIN_PASSWORD=…] [WAF_RATE_LIMIT=600] npm run test:deployed\n' +
        "  (API_URL is the stack's ApiUrl output, API_KEY the value of its ApiKeySecretArn secret; see docs/operations.md)",
    );
  }
  return { baseUrl, apiKey, admin: email && password ? { email, password } : undefined };
}

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
  /** Another key, or null for none. */
  apiKey?: string | null;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export type Client = ReturnType<typeof clientFor>;

/**
 * A client for the target. Every error answer it receives must be problem+json, unless
 * `checkErrors` is false (the clean-up: it must delete what it can whatever the answers look like).
 */
export function clientFor(target: Target, { checkErrors = true } = {}) {
  const base = target.baseUrl.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, options: CallOptions): Promise<ApiResponse<T>> {
    const url = new URL(base + path);
    const headers: Record<string, string> = { ...options.headers };
    if (options.apiKey !== null) headers['x-api-key'] = options.apiKey ?? target.apiKey;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), redirect: 'manual' });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    const result = { status: response.status, headers: response.headers, body: body as T, text, url };
    target.observe?.(method, url, result);
    return result;
  }

  function checked<T>(method: string, response: ApiResponse<T>): ApiResponse<T> {
    if (checkErrors && response.status >= 400) {
      const where = `${method} ${response.url.pathname} → ${response.status}: ${response.text.slice(0, 300)}`;
      expect(response.headers.get('content-type')?.split(';')[0], where).toBe('application/problem+json');
      expect(response.body, where).toMatchObject({ type: expect.any(String), title: expect.any(String), status: response.status });
    }
    return response;
  }

  /** One request, no retry. */
  const send = async <T = Json>(method: string, path: string, options: CallOptions = {}) => checked(method, await request<T>(method, path, options));

  /**
   * A request as a well-behaved client makes it: a usage-plan 429 (Retry-After of a second or two;
   * the API's own limits answer in minutes) is waited out and retried, so the flood scenario cannot
   * make the tests and the clean-up after it fail.
   */
  async function call<T = Json>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      const response = await request<T>(method, path, options);
      const retryAfter = Number(response.headers.get('retry-after'));
      if (response.status !== 429 || !(retryAfter <= 5) || attempt === 10) return checked(method, response);
      await sleep(retryAfter * 1000);
    }
  }

  return {
    /** The base URL without a trailing slash. */
    base,
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
