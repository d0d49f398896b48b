/** Who is asking, and how accounts are told apart. */

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: only ever taken from a verified access token whose session is open (shared/http/auth.ts). */
export interface Caller {
  id: string;
  role: Role;
  sessionId: string;
}

/** Emails and usernames name one account whatever their case and surrounding space. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
export const normaliseUsername = (username: string) => username.trim().toLowerCase();

/** A sign-in as asked for: the account named by its email or its username (normalised), and the password to check. */
export interface Login {
  by: 'email' | 'username';
  identifier: string;
  password: string;
  /** The device token an earlier sign-in gave this client, if it kept one. */
  deviceToken?: string;
  /** A code of the account's authenticator, sent with the password (one step, counted apart). */
  totpCode?: string;
}
