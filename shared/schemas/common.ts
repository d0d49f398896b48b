/**
 * Shared field schemas. zod/mini keeps each function bundle ~13 KB instead of ~450 KB (cold start).
 * Messages: a check's own where it has one, else plain words from humanMessage, else the English locale.
 *
 * Every schema here and in the resources' modules is a builder (a function that builds it), and
 * nothing is built at import: the pipeline builds a route's request schemas once, on its first
 * request, and only the OpenAPI document builds response schemas. Building a resource's schemas
 * at import would cost each of its functions' cold starts 1.5–3.5 ms more (measured: kv 2.4 ms
 * against 0.9 ms for GET /kv/{key}'s own; users 4.3 ms).
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { CURRENT_PASSWORD_MAX_LENGTH, PASSWORD_POLICY, utf8Bytes } from '../domain/password.ts';
import { ROLES } from '../domain/user.ts';

const KINDS: Partial<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** What a person can act on ("Must be at most 100 characters"), not the validator's terms ("Too big: expected string to have <=100 characters"). */
export function humanMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined) return 'Required';
  switch (issue.code) {
    case 'invalid_type':
      return `Must be ${KINDS[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'Must not be empty' : `Must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `Must have at least ${issue.minimum} items`;
      return issue.inclusive ? `Must be at least ${issue.minimum}` : `Must be more than ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `Must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `Must have at most ${issue.maximum} items`;
      return issue.inclusive ? `Must be at most ${issue.maximum}` : `Must be less than ${issue.maximum}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `Must be ${JSON.stringify(issue.values[0])}` : `Must be one of: ${issue.values.join(', ')}`;
    default:
      return undefined;
  }
}

// Import zod/mini where it is used (never re-export the namespace): that keeps it tree-shakable.
z.config({ ...en(), customError: humanMessage });

/** A schema's own message for a wrong value, leaving a missing one to humanMessage ("Required"). */
export const unlessMissing = (message: string) => ({ error: (issue: z.core.$ZodRawIssue) => (issue.input === undefined ? undefined : message) });

/** The password policy (domain/password.ts) as a schema; the JSON Schema says 72 characters, the most 72 bytes can hold. */
export const password = () =>
  z.string().check(
    // maxLength counts characters, the most 72 bytes can hold; x-max-bytes is the rule the API applies.
    z.meta({
      maxLength: PASSWORD_POLICY.maxBytes,
      'x-max-bytes': PASSWORD_POLICY.maxBytes,
      'x-unguessable': PASSWORD_POLICY.minScore,
      description: PASSWORD_POLICY.description,
    }),
    z.minLength(PASSWORD_POLICY.minLength, `Password must be at least ${PASSWORD_POLICY.minLength} characters`),
    z.refine((s) => utf8Bytes(s) <= PASSWORD_POLICY.maxBytes, `Password must be at most ${PASSWORD_POLICY.maxBytes} bytes in UTF-8 (bcrypt ignores the rest)`),
    ...PASSWORD_POLICY.mustContain.map(({ pattern, message }) => z.regex(pattern, message)),
  );

/** A password being checked rather than set: only a length check (the policy applies when it is set). */
export const currentPassword = () => z.string().check(z.minLength(1), z.maxLength(CURRENT_PASSWORD_MAX_LENGTH));

export const email = () => z.email(unlessMissing('Invalid email address')).check(z.maxLength(254));
/** Trimmed, then 1 to `max` characters: not blank (JSON Schema's \S is trim's whitespace). Builds a new schema on each call. */
export const shortText = (max: number) => z.string().check(z.meta({ pattern: '\\S' }), z.trim(), z.minLength(1), z.maxLength(max));
export const name = () => shortText(100);
export const username = () => z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,30}$/, 'Username must be 3-30 letters, digits, dots, dashes or underscores'));
/** 10 digits as the seeds use, or E.164. */
export const phone = () => z.string().check(z.regex(/^(\d{10}|\+[1-9]\d{7,14})$/, 'Phone must be 10 digits or E.164 (+ and 8-15 digits)'));

/** A real calendar date (YYYY-MM-DD) in the past, not before 1900. */
export const pastDate = () =>
  z.iso.date(unlessMissing('Date must be a real date as YYYY-MM-DD')).check(
    z.meta({ description: 'A real date (YYYY-MM-DD) in the past, from 1900-01-01', 'x-minimum': '1900-01-01', 'x-exclusive-maximum': 'today (UTC)' }),
    // Only a well-formed date is compared (a malformed one has its message already).
    z.refine((d) => !/^\d{4}-/.test(d) || d >= '1900-01-01', 'Date must be 1900-01-01 or later'),
    z.refine((d) => !/^\d{4}-/.test(d) || d < new Date().toISOString().slice(0, 10), 'Date must be in the past'),
  );

export const role = () => z.enum(ROLES);

export const idParams = () => z.strictObject({ id: z.uuid('Not a valid id') });

const LIMIT_MESSAGE = 'Must be a whole number from 1 to 100';

/** The shape of a list's query: spread it into the route's own object. */
export const pageQuery = () => ({
  // Decimal digits only: Number() would also read 0x10, 1e1 and 10.0. The document says integer, its JSON form.
  limit: z._default(
    z
      .pipe(
        z.string().check(z.regex(/^\d{1,3}$/, LIMIT_MESSAGE)),
        z.pipe(
          z.transform((digits: string) => Number(digits)),
          z.int().check(z.minimum(1, LIMIT_MESSAGE), z.maximum(100, LIMIT_MESSAGE)),
        ),
      )
      .check(z.meta({ type: 'integer', minimum: 1, maximum: 100, description: 'Items per page, in decimal digits' })),
    20,
  ),
  // base64url only, as sealed (crypto/cursor.ts): 2,048 characters of it fit in a URL (issue 23), any 2,048 characters would not.
  cursor: z.optional(
    z
      .string()
      .check(
        z.meta({ description: "The previous page's next_cursor, for the page after it" }),
        z.maxLength(2048),
        z.regex(/^[A-Za-z0-9_-]*$/, 'Invalid cursor'),
      ),
  ),
});

/** A sealed cursor: base64url (crypto/cursor.ts). */
const nextCursor = () =>
  z.nullable(z.string().check(z.meta({ pattern: '^[A-Za-z0-9_-]+$', description: 'Send as `cursor` for the next page; null on the last page' })));
/** A page of `item`s: builds a new schema on each call. */
export const page = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), next_cursor: nextCursor() });

/** Answered only (the API sets it): versions start at 1 and grow by one with each write. */
export const version = () => z.int().check(z.minimum(1));
/** Answered only: an ISO 8601 UTC instant, as Date.prototype.toISOString writes it. */
export const timestamp = () => z.iso.datetime();

/** A device token from an earlier sign-in (32 random bytes in base64url); a malformed one is refused, an unknown one ignored. */
export const deviceToken = () =>
  z
    .string()
    .check(
      z.meta({ description: 'The device_token an earlier sign-in to this account gave this client' }),
      z.regex(/^[\w-]{43}$/, 'Must be a device token from an earlier sign-in'),
    );
