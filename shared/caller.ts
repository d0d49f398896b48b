import type { Role } from './crypto/tokens.ts';

/** Who is asking: only ever taken from a verified access token whose session is open (shared/http/auth.ts). */
export interface Caller {
  id: string;
  role: Role;
  sessionId: string;
}
