/**
 * Access tokens: HS256 JWTs (jose), 15 minutes, algorithm pinned, every claim required.
 * `sid` names the session (refresh-token family) so logout can revoke the access token too.
 * Refresh tokens are opaque random strings; only their SHA-256 is stored.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { env, getSecrets } from '../config/index.ts';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_SECONDS = 30 * 24 * 60 * 60;

export type Role = 'user' | 'admin';

export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
}

export async function signAccessToken({ sub, role, sid }: AccessClaims): Promise<string> {
  const { jwtKey } = await getSecrets();
  return new SignJWT({ role, sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
    .setIssuer(env.jwtIssuer)
    .setAudience(env.jwtAudience)
    .sign(jwtKey);
}

/** Throws on any defect: wrong algorithm (including `none`), key, issuer, audience, expiry or a missing claim. */
export async function verifyAccessToken(token: string): Promise<AccessClaims> {
  const { jwtKey } = await getSecrets();
  const { payload } = await jwtVerify(token, jwtKey, {
    algorithms: ['HS256'],
    issuer: env.jwtIssuer,
    audience: env.jwtAudience,
    requiredClaims: ['sub', 'role', 'sid', 'jti', 'iat', 'exp', 'iss', 'aud'],
  });
  if (payload.role !== 'user' && payload.role !== 'admin') throw new Error('unknown role');
  if (typeof payload.sid !== 'string') throw new Error('bad sid');
  return { sub: payload.sub!, role: payload.role, sid: payload.sid };
}

export const newRefreshToken = () => randomBytes(32).toString('base64url');
