/**
 * The acceptance suite's only way into the API: HTTP to a target, as any client would, through the
 * tests' one client (tests/support/http-client.ts). Nothing here imports the app, so the same
 * scenarios run against the local gateway and a deployed stage.
 */
import { type ApiResponse, type HttpClient, httpClient } from '../support/http-client.ts';

export interface Target {
  /** The API's base URL as the stack prints it (`https://…/prod/`), stage prefix included. */
  baseUrl: string;
  apiKey: string;
  /**
   * An existing admin account; the admin scenarios run only with one. `totpSecret`: its authenticator's
   * secret (admin routes need a second factor; the suite computes the code at sign-in).
   */
  admin?: { email: string; password: string; totpSecret?: string };
  /**
   * Reads the sign-up link a mail to `email` carries and returns its token (locally, the mail server's
   * store). Without one (a deployed stage, whose mail goes to real inboxes or SES's simulator), the
   * suite's accounts are made by the admin, and the scenarios that follow a mail are skipped.
   */
  verificationToken?: (email: string) => Promise<string>;
  /** Sees every response (the local run checks them against the OpenAPI document). */
  observe?: (method: string, url: URL, response: ApiResponse) => void;
  /** Waits until this many requests may go at once under the deployed run's pace (tests/acceptance/pacing.ts); none locally. */
  room?: (requests: number) => Promise<void>;
}

/** The target `npm run test:deployed` runs against, or an error that says what is missing. */
export function targetFromEnvironment(env: NodeJS.ProcessEnv): Target {
  const { API_URL: baseUrl, API_KEY: apiKey, ADMIN_EMAIL: email, ADMIN_PASSWORD: password, ADMIN_TOTP_SECRET: totpSecret } = env;
  const missing = ['API_URL', 'API_KEY'].filter((name) => !env[name]);
  if (!baseUrl || !apiKey || Boolean(email) !== Boolean(password)) {
    throw new Error(
      `test:deployed needs ${missing.length > 0 ? missing.join(' and ') : 'ADMIN_EMAIL and ADMIN_PASSWORD together'}:\n` +
        '  API_URL=https://<id>.execute-api.<region>.amazonaws.com/prod/ API_KEY=<key> [ADMIN_EMAIL=… ADMIN_PASSWORD=… ADMIN_TOTP_SECRET=…] [WAF_RATE_LIMIT=600] npm run test:deployed\n' +
        "  (API_URL is the stack's ApiUrl output, API_KEY the value of its ApiKeySecretArn secret; see docs/operations.md)",
    );
  }
  return { baseUrl, apiKey, admin: email && password ? { email, password, ...(totpSecret && { totpSecret }) } : undefined };
}

export type { ApiResponse, CallOptions } from '../support/http-client.ts';
export type Client = HttpClient;

/**
 * A client for the target, which waits out the usage plan's 429s. Every error answer it receives must
 * be problem+json, unless `checkErrors` is false (the clean-up: it must delete what it can whatever
 * the answers look like).
 */
export const clientFor = (target: Target, { checkErrors = true } = {}): Client =>
  httpClient(target.baseUrl, { apiKey: target.apiKey, observe: target.observe, checkErrors, waitOutThrottling: true });
