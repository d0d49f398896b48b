/**
 * Environment and secrets, read once per cold start.
 * Secrets: one JSON secret, `{ "keys": [{ "id": "2", "material": "…", "status": "active" }, { "id": "1", "material": "…",
 * "status": "verifying" }] }` (or the first form, `{ "keyId": "1", "masterKey": "…", "retiredKeys"?: { "0": "…" } }`).
 * The active key signs tokens and seals fields and cursors; every key still opens what it made,
 * by its id (a token's `kid`, a sealed value's prefix), so keys rotate with an overlap: stage a new
 * key (verifying), promote it (active; the old one verifying), retire the old one (docs/operations.md).
 * In AWS it lives in Secrets Manager (SECRET_ARN, read through the Lambda extension); locally the generated `.env.local` provides it
 * as APP_SECRET. Every purpose gets its own key derived with HKDF, so one random value suffices and
 * no key is ever reused across purposes.
 */
import { hkdfSync } from 'node:crypto';
import { get } from 'node:http';
import { once, onceUnlessRejected } from '../memo.ts';
import { LIMIT_DEFAULTS } from './limits.ts';

/**
 * The function cannot work as deployed: a secret or setting is missing or unreadable. Never a 401
 * (the caller did nothing wrong): the handler answers 500 and logs it at ERROR, which the function's
 * error alarm counts.
 */
export class ConfigurationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

const inLambda = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

/**
 * A setting from the environment. On Lambda (and in the local runtime's functions, which run as on
 * Lambda) a missing one is a ConfigurationError: the stack sets every variable a function reads, so
 * its absence is a deployment fault, not something to paper over. Elsewhere (tests and tools that
 * import the code directly) the local default applies. Read on first use, so a function needs only
 * the settings it uses.
 */
function setting(name: string, localDefault: string): string {
  const value = process.env[name];
  if (value) return value;
  if (inLambda) throw new ConfigurationError(`${name} is not set; the stack sets it for every function that reads it`);
  return localDefault;
}

function count(name: string, localDefault: number): number {
  const value = Number(setting(name, String(localDefault)));
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigurationError(`${name} must be a whole number`);
  return value;
}

const tableName = once(() => setting('TABLE_NAME', 'user-data'));
const kvQuota = once(() => ({ maxKeys: count('KV_MAX_KEYS', LIMIT_DEFAULTS.kvMaxKeys), maxBytes: count('KV_MAX_BYTES', LIMIT_DEFAULTS.kvMaxBytes) }));
const recordLookupsPerHour = once(() => count('RECORD_LOOKUPS_PER_HOUR', LIMIT_DEFAULTS.recordLookupsPerHour));
const corsOrigins = once(() => (process.env.CORS_ORIGINS ?? '').split(',').filter(Boolean));
const mailFrom = once(() => setting('MAIL_FROM', 'User Data <no-reply@example.com>'));
const publicUrl = once(() => setting('PUBLIC_URL', 'http://localhost:3000').replace(/\/+$/, ''));

export const env = {
  get tableName() {
    return tableName();
  },
  jwtIssuer: 'user-data-platform',
  jwtAudience: 'user-data-api',
  /** bcrypt work factor; OWASP's floor is 10, lower values are raised to it. */
  bcryptCost: Math.max(10, Number(process.env.BCRYPT_COST) || 10),
  /** Origins allowed cross-origin; none unless the stack configures some. */
  get corsOrigins() {
    return corsOrigins();
  },
  /** Each user's key-value store: keys, and bytes of keys and values together. */
  get kvQuota() {
    return kvQuota();
  },
  /** Phone-record lookups allowed per user per hour. */
  get recordLookupsPerHour() {
    return recordLookupsPerHour();
  },
  /** The sender of every mail: the stack's verified SES identity. */
  get mailFrom() {
    return mailFrom();
  },
  /** The API's public address, without a trailing slash: every link in a mail and every absolute URL starts with it. */
  get publicUrl() {
    return publicUrl();
  },
};

export interface Secrets {
  /** The active key's id: the `kid` of every token signed, the prefix of every cursor sealed. */
  keyId: string;
  jwtKey: Uint8Array;
  /** The signing key of every key id, for tokens signed before a rotation (or by a function that promoted earlier). */
  jwtKeys: Map<string, Uint8Array>;
  /** Keyed hashes for lookups that must not store the plain value (phones, login identifiers). */
  pepper: Buffer;
  /** The pepper of every key id, current first, for lookups of values hashed before a rotation. */
  peppers: Map<string, Buffer>;
  cursorKey: Buffer;
  cursorKeys: Map<string, Buffer>;
  /** Current field-encryption key id, and every key id that can still decrypt. */
  dataKeyId: string;
  dataKeys: Map<string, Buffer>;
}

export interface SecretKey {
  id: string;
  material: string;
  /** `active`: signs and seals (exactly one); `verifying`: only opens what it signed or sealed (staged, or being retired). */
  status: 'active' | 'verifying';
}

export interface SecretDocument {
  keys?: SecretKey[];
  keyId?: string;
  masterKey?: string;
  retiredKeys?: Record<string, string>;
}

/** Both forms of the secret as a list of keys, oldest first (tools/keys.ts keeps that order). */
export const secretKeys = (doc: SecretDocument): SecretKey[] =>
  doc.keys ?? [
    // Oldest first: the retired keys came before the current one.
    ...Object.entries(doc.retiredKeys ?? {}).map(([id, material]) => ({ id, material, status: 'verifying' as const })),
    ...(doc.keyId && doc.masterKey ? [{ id: doc.keyId, material: doc.masterKey, status: 'active' as const }] : []),
  ];

const derive = (master: string, purpose: string) => Buffer.from(hkdfSync('sha256', master, 'user-data-platform', purpose, 32));

export function deriveSecrets(doc: SecretDocument): Secrets {
  const keys = secretKeys(doc ?? {});
  const active = keys.filter((key) => key.status === 'active');
  if (active.length !== 1 || keys.some((key) => !/^[A-Za-z0-9]{1,16}$/.test(key.id) || (key.material?.length ?? 0) < 32)) {
    throw new ConfigurationError(
      'The application secret needs exactly one active key, each key an id of letters and digits and a masterKey of at least 32 characters',
    );
  }
  if (new Set(keys.map((key) => key.id)).size !== keys.length) throw new ConfigurationError('The application secret names a key id twice');
  // biome-ignore lint/style/noNonNullAssertion: exactly one, checked above
  const current = active[0]!;
  // The active key first: lookups by keyed hash try it first.
  const ordered = [current, ...keys.filter((key) => key !== current)];
  const perKey = (purpose: string) => new Map(ordered.map(({ id, material }) => [id, derive(material, purpose)]));
  const jwtKeys = perKey('jwt-hs256');
  const cursorKeys = perKey('cursor');
  return {
    keyId: current.id,
    jwtKey: derive(current.material, 'jwt-hs256'),
    jwtKeys,
    pepper: derive(current.material, 'pepper'),
    peppers: perKey('pepper'),
    cursorKey: derive(current.material, 'cursor'),
    cursorKeys,
    dataKeyId: current.id,
    dataKeys: perKey('data'),
  };
}

/**
 * A Secrets Manager value, in AWS, through the AWS Parameters and Secrets Lambda Extension (a local
 * HTTP call): no Secrets Manager SDK client in the bundle, so nothing to load at cold start. node:http,
 * which the DynamoDB client loads anyway, rather than fetch, whose first call loads undici (~10 ms).
 */
const SECRET_TIMEOUT_MS = 3000;

async function fetchSecret(secretId: string | undefined): Promise<string> {
  if (!secretId) throw new ConfigurationError('No secret configured (set APP_SECRET / LOCAL_CONSOLE_KEY when run in this process)');
  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    // The extension answers from memory or after one Secrets Manager call: seconds of silence mean it is stuck.
    const request = get(url, { headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' }, timeout: SECRET_TIMEOUT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', (cause) => reject(new ConfigurationError('The Parameters and Secrets extension broke off its answer', { cause })));
    });
    request.on('timeout', () => request.destroy(new ConfigurationError(`The Parameters and Secrets extension did not answer within ${SECRET_TIMEOUT_MS} ms`)));
    request.on('error', (cause) =>
      reject(
        cause instanceof ConfigurationError
          ? cause
          : new ConfigurationError('The Parameters and Secrets extension is unreachable (is its layer attached?)', { cause }),
      ),
    );
  });
  const answer = (() => {
    try {
      return JSON.parse(body) as { SecretString?: string; __type?: string };
    } catch {
      return {};
    }
  })();
  if (status !== 200 || typeof answer.SecretString !== 'string') {
    throw new ConfigurationError(`The Parameters and Secrets extension answered ${status}${answer.__type ? ` (${answer.__type})` : ''} for a secret`);
  }
  return answer.SecretString;
}

async function loadSecretDocument(): Promise<SecretDocument> {
  const text = process.env.APP_SECRET ?? (await fetchSecret(process.env.SECRET_ARN));
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigurationError('The application secret is not JSON');
  }
}

/** The app's keys, read and derived once per cold start; a failed read is retried by the next request. */
export const getSecrets: () => Promise<Secrets> = onceUnlessRejected(async () => deriveSecrets(await loadSecretDocument()));

/** The console's API key (its page carries it): its own secret, or LOCAL_CONSOLE_KEY when run in this process. */
export const consoleApiKey: () => Promise<string> = onceUnlessRejected(async () =>
  process.env.LOCAL_CONSOLE_KEY ? process.env.LOCAL_CONSOLE_KEY : fetchSecret(process.env.CONSOLE_API_KEY_SECRET_ARN),
);
