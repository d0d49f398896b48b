/**
 * The password policy (seed 003's), and bcrypt's 72-byte limit enforced rather than silently
 * truncated: bcrypt reads no further, so a longer password would match any password it starts with.
 */
export const PASSWORD_POLICY = {
  minLength: 8,
  /** In UTF-8; JSON Schema counts characters, so the document says 72 characters, the most any password can have. */
  maxBytes: 72,
  mustContain: [
    { pattern: /[a-z]/, message: 'Password must contain a lowercase letter' },
    { pattern: /[A-Z]/, message: 'Password must contain an uppercase letter' },
    { pattern: /\d/, message: 'Password must contain a digit' },
    { pattern: /[^A-Za-z0-9]/, message: 'Password must contain a special character' },
  ],
  /** zxcvbn's scale runs 0–4; 3 is "safely unguessable" online and against a slow hash offline (services/password-strength.ts). */
  minScore: 3,
  description:
    "8 or more characters, at most 72 bytes in UTF-8, with a lowercase and an uppercase letter, a digit and a special character, and not easy to guess (`x-unguessable`: zxcvbn, @zxcvbn-ts with its common dictionaries, scores it 3 or more of 4, the account's email, name and username counting as words to avoid; else 400)",
} as const;

/** A password being proved rather than set is only bounded: the policy applies when one is set, so older passwords still sign in. */
export const CURRENT_PASSWORD_MAX_LENGTH = 1024;

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');
