/**
 * Access tokens: HS256 JWTs (jose), 15 minutes, algorithm pinned, every claim required.
 * `sid` names the session (refresh-token family) so logout can revoke the access token too.
 * Refresh tokens are opaque random strings; only their SHA-256 is stored.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { env, getSecrets } from '../config/index.ts';
import type { Role } from '../domain/user.ts';
import { NotAuthenticated } from '../errors.ts';
import { onceUnlessRejected } from '../memo.ts';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_SECONDS = 30 * 24 * 60 * 60;
/** How far a token's `iat` may lie in the future: clocks of Lambda hosts agree to well within this. */
export const CLOCK_SKEW_SECONDS = 60;

export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
}

// Imported once per key id: given raw bytes, jose imports the key again on every call. Like the secrets, a failure is retried.
const jwtKeys = onceUnlessRejected(async () => {
  const { keyId, jwtKeys } = await getSecrets();
  const imported = await Promise.all(
    [...jwtKeys].map(
      async ([id, raw]) =>
        [id, await crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])] as const,
    ),
  );
  return { keyId, keys: new Map(imported) };
});

export async function signAccessToken({ sub, role, sid }: AccessClaims): Promise<string> {
  const { keyId, keys } = await jwtKeys();
  return (
    new SignJWT({ role, sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: keyId })
      .setSubject(sub)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
      .setIssuer(env.jwtIssuer)
      .setAudience(env.jwtAudience)
      // biome-ignore lint/style/noNonNullAssertion: the active key is one of the keys
      .sign(keys.get(keyId)!)
  );
}

/**
 * A warm function sees the same token on request after request. Its signature and claims cannot
 * change, so once verified it is remembered until it expires: jose's WebCrypto verify cost ~0.3 ms
 * of wall time per request, a tenth of a warm read on DynamoDB Local. Only verified tokens are
 * remembered, keyed by the whole token, signature included; the session is still checked on every
 * request (auth.ts).
 */
const verified = new Map<string, AccessClaims & { expiresAt: number }>();
const MAX_REMEMBERED = 1000;

/** A token the caller sent is not valid: forged, altered, expired, or missing a claim. */
export class InvalidToken extends NotAuthenticated {
  constructor(cause?: unknown) {
    super('The access token is invalid or expired.');
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * Throws InvalidToken on any defect: wrong algorithm (including `none`), key, issuer, audience, expiry
 * or a missing claim. A key that cannot be loaded is not the caller's fault and is thrown as it is.
 */
export async function verifyAccessToken(token: string): Promise<AccessClaims> {
  const known = verified.get(token);
  if (known && known.expiresAt > Date.now()) return { sub: known.sub, role: known.role, sid: known.sid };
  verified.delete(token);
  const { keyId, keys } = await jwtKeys();
  // The key its `kid` names, active or verifying (a token without one predates key ids: the active key's).
  const keyFor = ({ kid }: { kid?: string }) => {
    const key = keys.get(kid ?? keyId);
    if (!key) throw new errors.JWSSignatureVerificationFailed('unknown kid');
    return key;
  };
  const { payload } = await jwtVerify(token, keyFor, {
    algorithms: ['HS256'],
    issuer: env.jwtIssuer,
    audience: env.jwtAudience,
    requiredClaims: ['sub', 'role', 'sid', 'jti', 'iat', 'exp', 'iss', 'aud'],
  }).catch((error: unknown) => {
    throw error instanceof errors.JOSEError ? new InvalidToken(error) : error;
  });
  if (payload.role !== 'user' && payload.role !== 'admin') throw new InvalidToken();
  // jose checked that every required claim is present, and that exp is a number, but not sub's type.
  if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number' || typeof payload.iat !== 'number') {
    throw new InvalidToken();
  }
  // Defence in depth against a leaked signing key: no token from the future, none living longer than the API issues.
  if (payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS || payload.exp - payload.iat > ACCESS_TOKEN_SECONDS) throw new InvalidToken();
  const claims = { sub: payload.sub, role: payload.role, sid: payload.sid } as const;
  const oldest = verified.size >= MAX_REMEMBERED ? verified.keys().next().value : undefined;
  if (oldest !== undefined) verified.delete(oldest);
  verified.set(token, { ...claims, expiresAt: payload.exp * 1000 });
  return claims;
}

/**
 * An opaque refresh token: the user's id (so its item can live in the user's partition and go with
 * the account), a dot, and 256 random bits. Only its SHA-256 is stored.
 */
export const newRefreshToken = (userId: string) => `${userId}.${randomBytes(32).toString('base64url')}`;

/** The user id a refresh token names, or undefined when it is not shaped like one. */
export const refreshTokenUser = (token: string) => /^([0-9a-f-]{36})\.[\w-]{43}$/.exec(token)?.[1];
