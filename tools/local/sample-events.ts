/**
 * The sample events in `events/`: REST v1 proxy events as a deployed stage hands them to a function,
 * generated from the route table (`npm run events`; tests/integration/events.test.ts checks they are
 * current), with placeholders where a value only exists at run time: {{API_KEY}}, {{ADMIN_TOKEN}}, {{USER_ID}}, {{USER_TOKEN}}, {{USER_EMAIL}},
 * {{USER_PASSWORD}}, {{REFRESH_TOKEN}} and {{SESSION_ID}} (its session), {{PAYMENT_ID}} (a pending payment of the user), {{RECORD_ID}} and
 * {{RECORD_PHONE}} (a record of the user), {{NEW_PHONE}} (a phone without one), {{UNIQUE}}, {{ADMIN_TOTP_CODE}} (the admin has an
 * authenticator on) and {{MFA_CHALLENGE}} (the admin's open sign-in challenge), {{PENDING_TOTP_CODE}} (the user's pending one),
 * {{SIGNUP_TOKEN}} (the link token of a pending sign-up), {{PASSKEY_ID}} (the user's passkey), {{SIGN_IN_*}} (its assertion of an
 * open passkey sign-in challenge) and {{NEW_PASSKEY_*}} (a new credential for an open registration challenge of the user), made by
 * a software authenticator for the public URL. The user owns the
 * key-value entry `settings/theme`. `fillSampleEvent` makes a fresh sample user and
 * admin session to fill them, so every sample runs as it is against any table.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Secret, TOTP } from 'otpauth';
import { env } from '../../shared/config/index.ts';
import { hashPassword } from '../../shared/crypto/passwords.ts';
import { newRefreshToken, signAccessToken } from '../../shared/crypto/tokens.ts';
import { claims } from '../../shared/db/claims.ts';
import { mfaChallenges, totps } from '../../shared/db/factors.ts';
import { links } from '../../shared/db/links.ts';
import { passkeys, webauthnChallenges } from '../../shared/db/passkeys.ts';
import { sessions } from '../../shared/db/sessions.ts';
import { type User, users } from '../../shared/db/users.ts';
import { type RouteDef, type RouteId, routes } from '../../shared/routes.ts';
import { createPaymentBody } from '../../shared/schemas/payments.ts';
import { pendingFields } from '../../shared/services/email-change.ts';
import { putEntry } from '../../shared/services/kv.ts';
import { createPayment } from '../../shared/services/payments.ts';
import { createRecord } from '../../shared/services/records.ts';
import { generatePassword } from './env-file.ts';
import { buildEvent } from './gateway/events.ts';
import { compileRoute } from './gateway/routing.ts';
import { SoftwareAuthenticator } from './software-authenticator.ts';

async function signIn({ user_id: userId, role, version }: User) {
  const session = await sessions.start(userId, role, version, { device: 'Sample device', network: 'sample', method: 'password' });
  return { token: await signAccessToken({ sub: userId, role, sid: session.sessionId }), refreshToken: session.refreshToken, sessionId: session.sessionId };
}

/**
 * A passkey of the user (stored as registering it would), the assertion of a fresh passkey sign-in
 * challenge, and a new credential for a fresh registration challenge, for the relying party of
 * `publicUrl` (the functions' PUBLIC_URL).
 */
async function samplePasskeys(userId: string, publicUrl: string) {
  const { origin, hostname: rpId } = new URL(publicUrl);
  const authenticator = new SoftwareAuthenticator(origin);
  const user = { id: Buffer.from(userId).toString('base64url') };
  authenticator.create({ challenge: 'sample', rp: { id: rpId }, user });
  const [credential] = authenticator.credentials;
  if (!credential) throw new Error('no sample credential');
  const stored = await passkeys.add({
    userId,
    credentialId: credential.id.toString('base64url'),
    publicKey: credential.publicKey,
    counter: 0,
    transports: ['internal'],
    name: 'Sample passkey',
    deviceType: 'singleDevice',
    backedUp: false,
  });
  const [signInChallenge, registerChallenge] = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
  await Promise.all([
    webauthnChallenges.create(signInChallenge, { purpose: 'sign-in' }),
    webauthnChallenges.create(registerChallenge, { purpose: 'register', userId }),
  ]);
  const assertion = authenticator.get({ challenge: signInChallenge, rpId, allowCredentials: [] });
  const created = new SoftwareAuthenticator(origin).create({ challenge: registerChallenge, rp: { id: rpId }, user });
  return {
    PASSKEY_ID: stored.id,
    SIGN_IN_CREDENTIAL_ID: assertion.id,
    SIGN_IN_CLIENT_DATA: assertion.response.clientDataJSON,
    SIGN_IN_AUTHENTICATOR_DATA: assertion.response.authenticatorData,
    SIGN_IN_SIGNATURE: assertion.response.signature,
    SIGN_IN_USER_HANDLE: assertion.response.userHandle,
    NEW_PASSKEY_ID: created.id,
    NEW_PASSKEY_CLIENT_DATA: created.response.clientDataJSON,
    NEW_PASSKEY_ATTESTATION: created.response.attestationObject,
  };
}

export async function samplePlaceholders(apiKey: string, publicUrl = env.publicUrl): Promise<Record<string, string>> {
  const unique = randomUUID().slice(0, 8);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await users.create({ email: `sample-${unique}@example.com`, name: 'Sample User', role: 'user' }, passwordHash);
  const admin = await users.create({ email: `sample-admin-${unique}@example.com`, name: 'Sample Admin', role: 'admin' }, passwordHash);
  const userSession = await signIn(user);
  // Links end sessions or change the account: they belong to an account of their own.
  const linked = await users.create({ email: `sample-linked-${unique}@example.com`, name: 'Sample Linked', role: 'user' }, passwordHash);
  const moving = await users.create({ email: `sample-moving-${unique}@example.com`, name: 'Sample Moving', role: 'user' }, passwordHash);
  const movedTo = `sample-moved-${unique}@example.com`;
  const undone = await users.create({ email: `sample-undone-${unique}@example.com`, name: 'Sample Undone', role: 'user' }, passwordHash);
  await users.replace(moving, { ...moving, ...pendingFields(movedTo), version: moving.version + 1 });
  // The admin has an authenticator on (admin routes need one) and a sign-in challenge open; the user one pending.
  const adminSecret = new Secret({ size: 20 }).base32;
  const userSecret = new Secret({ size: 20 }).base32;
  await Promise.all([totps.startPending(admin.user_id, adminSecret), totps.startPending(user.user_id, userSecret)]);
  await totps.acceptStep(admin.user_id, 0, true);
  const challenge = newRefreshToken(admin.user_id);
  await mfaChallenges.create(admin.user_id, challenge, false, admin.version);
  const signUpToken = await claims.create({ email: `sample-signup-${unique}@example.com`, name: 'Sample Sign-up' }, passwordHash);
  const codeNow = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) }).generate();
  const caller = { id: user.user_id, role: 'user' as const, sessionId: 'sample' };
  const payment = await createPayment(
    caller,
    createPaymentBody().parse({
      amount: 250,
      currency: 'INR',
      payment_method: 'Debit Card',
      card_no: '5555 5555 5555 4444',
      card_expiry: '12/30',
      card_cvc: '321',
      status: 'pending',
    }),
  );
  await putEntry(caller, 'settings/theme', '{"mode":"light"}', {});
  const randomPhone = () => String(Math.floor(Math.random() * 9e9) + 1e9);
  const recordPhone = randomPhone();
  const record = await createRecord(caller, { name: 'Sample Patient', phone: recordPhone, dob: '1985-06-15', height: 168, weight: 61 });
  return {
    RECORD_ID: record.record_id,
    RECORD_PHONE: recordPhone,
    NEW_PHONE: randomPhone(),
    PAYMENT_ID: payment.result.payment_id,
    API_KEY: apiKey,
    ADMIN_TOKEN: (await signIn(admin)).token,
    USER_ID: user.user_id,
    USER_TOKEN: userSession.token,
    USER_EMAIL: user.email,
    USER_PASSWORD: password,
    REFRESH_TOKEN: userSession.refreshToken,
    SESSION_ID: userSession.sessionId,
    UNIQUE: unique,
    ADMIN_TOTP_CODE: codeNow(adminSecret),
    MFA_CHALLENGE: challenge,
    PENDING_TOTP_CODE: codeNow(userSecret),
    SIGNUP_TOKEN: signUpToken,
    RESET_TOKEN: await links.issue(linked.user_id, 'reset', 60, { email: linked.email }),
    INVITE_TOKEN: await links.issue(
      (await users.create({ email: `sample-invited-${unique}@example.com`, name: 'Sample Invited', role: 'user' })).user_id,
      'invite',
      60,
      { email: `sample-invited-${unique}@example.com` },
    ),
    CONFIRM_EMAIL_TOKEN: await links.issue(moving.user_id, 'email-confirm', 60, { email: movedTo }),
    CANCEL_EMAIL_TOKEN: await links.issue(linked.user_id, 'email-cancel', 60, { old: linked.email, new: movedTo }),
    // It stops its account's password: an account of its own, too, and bound to its address.
    UNDO_FACTOR_TOKEN: await links.issue(undone.user_id, 'factor-undo', 60, { since: new Date().toISOString(), email: undone.email }),
    ...(await samplePasskeys(user.user_id, publicUrl)),
  };
}

/** The event of a sample file, its placeholders filled. */
export const fillSampleEvent = (file: string, values: Record<string, string>) => fillPlaceholders(readFileSync(file, 'utf8'), values, file);

/** The event of a sample's JSON text (`source` names it in errors), its placeholders filled. */
export function fillPlaceholders(json: string, values: Record<string, string>, source: string): APIGatewayProxyEvent {
  const text = json.replace(/\{\{(\w+)\}\}/g, (match, name) => {
    if (!(name in values)) throw new Error(`${source}: no value for ${match}`);
    return JSON.stringify(values[name]).slice(1, -1); // JSON-escaped, since the event is JSON text
  });
  return JSON.parse(text);
}

/**
 * What a sample fills in where the route table's defaults would not find the sample data: the path
 * values of the resources `samplePlaceholders` makes, and the routes whose example must name it.
 * A route missing here still gets an event (its OpenAPI example, a user's token), which `npm run
 * invoke` runs as it is.
 */
const PATH_VALUES: Record<string, string> = {
  '/users/{id}': '{{USER_ID}}',
  '/payments/{id}': '{{PAYMENT_ID}}',
  '/records/{id}': '{{RECORD_ID}}',
  '/me/sessions/{id}': '{{SESSION_ID}}',
  '/kv/{key}': 'settings/theme',
  '/me/passkeys/{id}': '{{PASSKEY_ID}}',
  '/assets/{file}': 'console.js',
};

interface Sample {
  caller?: 'admin';
  query?: Record<string, string>;
  /** The body's JSON value; null for none where the route's example has one. */
  body?: unknown;
  headers?: Record<string, string>;
}

const SAMPLES: Partial<Record<RouteId, Sample>> = {
  'auth.register': { body: { ...routes['auth.register'].requestExample, email: 'jane.{{UNIQUE}}@example.com', username: 'jane_{{UNIQUE}}' } },
  'auth.verify': { body: { token: '{{SIGNUP_TOKEN}}', password: '{{USER_PASSWORD}}' } },
  'auth.login': { body: { email: '{{USER_EMAIL}}', password: '{{USER_PASSWORD}}' } },
  'auth.token': { body: { refresh_token: '{{REFRESH_TOKEN}}' } },
  'auth.loginMfa': { body: { challenge: '{{MFA_CHALLENGE}}', code: '{{ADMIN_TOTP_CODE}}' } },
  'auth.acceptInvite': { body: { ...routes['auth.acceptInvite'].requestExample, token: '{{INVITE_TOKEN}}' } },
  'auth.confirmEmail': { body: { token: '{{CONFIRM_EMAIL_TOKEN}}', password: '{{USER_PASSWORD}}' } },
  'auth.cancelEmail': { body: { token: '{{CANCEL_EMAIL_TOKEN}}' } },
  'auth.undoFactor': { body: { token: '{{UNDO_FACTOR_TOKEN}}' } },
  'auth.reset': { body: { ...routes['auth.reset'].requestExample, token: '{{RESET_TOKEN}}' } },
  'me.totpStart': { body: { current_password: '{{USER_PASSWORD}}' } },
  'me.totpConfirm': { body: { code: '{{PENDING_TOTP_CODE}}' } },
  'me.totpDelete': { caller: 'admin', body: { current_password: '{{USER_PASSWORD}}' } },
  'me.recoveryCodes': { caller: 'admin', body: { current_password: '{{USER_PASSWORD}}' } },
  'passkeys.signIn': {
    body: {
      credential: {
        id: '{{SIGN_IN_CREDENTIAL_ID}}',
        rawId: '{{SIGN_IN_CREDENTIAL_ID}}',
        type: 'public-key',
        response: {
          clientDataJSON: '{{SIGN_IN_CLIENT_DATA}}',
          authenticatorData: '{{SIGN_IN_AUTHENTICATOR_DATA}}',
          signature: '{{SIGN_IN_SIGNATURE}}',
          userHandle: '{{SIGN_IN_USER_HANDLE}}',
        },
        clientExtensionResults: {},
      },
    },
  },
  'passkeys.options': { body: { current_password: '{{USER_PASSWORD}}' } },
  'passkeys.register': {
    body: {
      name: 'Laptop',
      credential: {
        id: '{{NEW_PASSKEY_ID}}',
        rawId: '{{NEW_PASSKEY_ID}}',
        type: 'public-key',
        response: { clientDataJSON: '{{NEW_PASSKEY_CLIENT_DATA}}', attestationObject: '{{NEW_PASSKEY_ATTESTATION}}', transports: ['internal'] },
        clientExtensionResults: {},
      },
    },
  },
  'passkeys.remove': { body: { current_password: '{{USER_PASSWORD}}' } },
  'users.list': { caller: 'admin' },
  'users.create': { caller: 'admin', body: { ...routes['users.create'].requestExample, email: 'john.{{UNIQUE}}@example.com' } },
  'users.get': { caller: 'admin' },
  'users.update': { headers: { 'If-Match': '"1"' }, body: { address: '456 Another St, New City' } },
  'users.patch': { body: { name: 'Mario Mario' } },
  'users.delete': { caller: 'admin', body: null }, // an admin deleting someone else sends no current_password
  'payments.create': { headers: { 'Idempotency-Key': 'order-{{UNIQUE}}' }, body: { ...routes['payments.create'].requestExample, user_id: '{{USER_ID}}' } },
  'payments.update': { headers: { 'If-Match': '"1"' }, body: { status: 'completed' } },
  'kv.list': { query: { prefix: 'settings/', limit: '50' } },
  'kv.put': { headers: { 'If-Match': '"1"' } },
  'records.create': { body: { ...routes['records.create'].requestExample, phone: '{{NEW_PHONE}}' } },
  'records.lookup': { body: { phone: '{{RECORD_PHONE}}' } },
  'records.deleteByPhone': { caller: 'admin', body: { phone: '{{RECORD_PHONE}}' } },
};

/** A fixed moment and ids derived from the route, so that generating the samples twice writes the same files. */
const SAMPLE_TIME = new Date('2026-11-21T23:21:09.237Z');
const uuidFrom = (text: string) =>
  createHash('sha256')
    .update(text)
    .digest('hex')
    .replace(/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*$/, '$1-$2-5$3-8$4-$5');

/** The sample event of a route, placeholders and all: what `events/<id>.json` holds. */
export function sampleEvent(id: RouteId): APIGatewayProxyEvent {
  const route: RouteDef = routes[id];
  const sample = SAMPLES[id] ?? {};
  const path = route.path.replace(/\{(\w+)\}/g, (_, name) =>
    encodeURIComponent(PATH_VALUES[route.path] ?? `sample-${name}`)
      .replaceAll('%7B', '{')
      .replaceAll('%7D', '}'),
  );
  const query = sample.query ?? (route.query && /\blimit\b/.test(JSON.stringify(route.query())) ? { limit: '20' } : {});
  // Not a URL object, which would percent-encode the placeholders' braces.
  const url = { host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', pathname: path, searchParams: new URLSearchParams(query) };
  const example = sample.body !== undefined ? sample.body : route.requestExample;
  const body = route.body && example !== undefined && example !== null ? JSON.stringify(example) : '';
  const token = sample.caller === 'admin' || route.auth === 'admin' ? '{{ADMIN_TOKEN}}' : '{{USER_TOKEN}}';
  const headers: [string, string][] = [
    ['Host', url.host],
    ['User-Agent', 'curl/8.5.0'],
    ['Accept', '*/*'],
    ...(route.apiKey === false ? [] : ([['x-api-key', '{{API_KEY}}']] as [string, string][])),
    ...(route.auth === 'none' ? [] : ([['Authorization', `Bearer ${token}`]] as [string, string][])),
    ...(body
      ? ([
          ['Content-Type', 'application/json'],
          ['Content-Length', String(Buffer.byteLength(body))],
        ] as [string, string][])
      : []),
    ...Object.entries(sample.headers ?? {}),
  ];
  const compiled = compileRoute(id, route);
  const match = compiled.pattern.exec(url.pathname);
  if (!match) throw new Error(`${id}: the sample path ${url.pathname} does not match ${route.path}`);
  return buildEvent({ url, rawHeaders: headers.flat(), body, sourceIp: '203.0.113.10', port: 443, httpVersion: '1.1' }, compiled, match, {
    accountId: '123456789012',
    apiId: 'a1b2c3d4e5',
    domainName: url.host,
    stage: 'prod',
    stageInPath: true,
    proto: 'https',
    now: SAMPLE_TIME,
    requestId: uuidFrom(id),
  });
}
