import { verifyAccessToken } from '../crypto/tokens.ts';
import { sessions } from '../db/sessions.ts';
import type { Caller } from '../domain/user.ts';
import { NotAuthenticated, NotPermitted } from '../errors.ts';
import type { AuthLevel } from '../routes/route.ts';

export type { Caller };

export interface Authentication {
  caller: Caller | undefined;
  /** Settles when the session is known to be open; rejects with 401 when it is not. */
  sessionOpen: Promise<void>;
}

/**
 * Identity comes only from a verified token whose session is still open (logout, a password change
 * and account deletion close sessions, so those tokens stop working at once). The token is checked
 * here; the session lookup is started and returned, so a read route can run it alongside its own read.
 */
export async function authenticate(level: AuthLevel, authorization: string | undefined): Promise<Authentication> {
  if (level === 'none') return { caller: undefined, sessionOpen: Promise.resolve() };
  const token = /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/.exec(authorization ?? '')?.[1];
  if (!token) throw new NotAuthenticated('A valid bearer token is required.');
  const claims = await verifyAccessToken(token); // InvalidToken is a NotAuthenticated (401)
  if (level === 'admin' && claims.role !== 'admin') throw new NotPermitted('Your role does not allow this operation.');
  const sessionOpen = sessions.isOpen(claims.sub, claims.sid, claims.role).then((open) => {
    if (!open) throw new NotAuthenticated('The session has ended; sign in again.');
  });
  sessionOpen.catch(() => undefined); // awaited later; never an unhandled rejection meanwhile
  return { caller: { id: claims.sub, role: claims.role, sessionId: claims.sid }, sessionOpen };
}
