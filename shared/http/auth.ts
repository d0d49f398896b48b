import { sessions } from '../db/sessions.ts';
import { verifyAccessToken, type Role } from '../crypto/tokens.ts';
import type { AuthLevel } from '../routes.ts';
import { forbidden, unauthorized } from './problem.ts';

export interface Caller {
  id: string;
  role: Role;
  sessionId: string;
}

/**
 * Identity comes only from a verified token whose session is still open (logout, a password change
 * and account deletion close sessions, so those tokens stop working at once).
 */
export async function authenticate(level: AuthLevel, authorization: string | undefined): Promise<Caller | undefined> {
  if (level === 'none') return undefined;
  const token = /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/.exec(authorization ?? '')?.[1];
  if (!token) throw unauthorized();
  const claims = await verifyAccessToken(token).catch(() => {
    throw unauthorized('The access token is invalid or expired.');
  });
  if (!(await sessions.isActive(claims.sub, claims.sid))) throw unauthorized('The session has ended; sign in again.');
  if (level === 'admin' && claims.role !== 'admin') throw forbidden();
  return { id: claims.sub, role: claims.role, sessionId: claims.sid };
}
