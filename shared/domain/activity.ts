/** What an account's activity records (GET /me/activity): events its owner should be able to see, never a secret. */
export const ACTIVITY_TYPES = [
  'signed_in',
  'signed_in_new_device',
  'signed_out',
  'session_ended',
  'password_changed',
  'password_reset',
  'email_change_requested',
  'email_changed',
  'email_change_cancelled',
  /** An authenticator app (TOTP) turned on / removed (the names predate passkeys). */
  'factor_added',
  'factor_removed',
  'passkey_added',
  'passkey_removed',
  'recovery_codes_replaced',
  /** A factor notice's "this wasn't me" link was used: factors added since removed, sessions ended, password stopped. */
  'factors_undone',
  'invitation_accepted',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** How long an event is kept. */
export const ACTIVITY_SECONDS = 90 * 24 * 60 * 60;
