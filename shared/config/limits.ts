/**
 * The limits the functions apply themselves, with their defaults, in one place: the stack's context
 * overrides them (`-c kvMaxKeys=…` or cdk.json), and code run outside Lambda (tests, tools) uses them.
 */
export interface Limits {
  /** Each user's key-value store: at most this many keys, and bytes of keys and values together. */
  kvMaxKeys: number;
  kvMaxBytes: number;
  /** Phone-record lookups allowed per user per hour. */
  recordLookupsPerHour: number;
  /** Admin routes answer only admins who have a second factor. */
  adminMfaRequired: boolean;
}

export const LIMIT_DEFAULTS: Limits = { kvMaxKeys: 1000, kvMaxBytes: 4 * 1024 * 1024, recordLookupsPerHour: 100, adminMfaRequired: true };
