import * as z from 'zod/mini';
import { email, idParams, name, page, pageQuery, password, pastDate, phone, role, shortText, timestamp, username, version } from './common.ts';
import { stepUpFields } from './factors.ts';

const country = () => shortText(56);
const address = () => shortText(200);
const gender = () => shortText(30);

const profileFields = () => ({
  username: z.optional(username()),
  phone: z.optional(phone()),
  country: z.optional(country()),
  dob: z.optional(pastDate()),
  address: z.optional(address()),
  gender: z.optional(gender()),
});
/** The same fields in an update, where null clears one. */
const clearableFields = () => ({
  username: z.optional(z.nullable(username())),
  phone: z.optional(z.nullable(phone())),
  country: z.optional(z.nullable(country())),
  dob: z.optional(z.nullable(pastDate())),
  address: z.optional(z.nullable(address())),
  gender: z.optional(z.nullable(gender())),
});

/** Self-service sign-up: no `role` here, so `{"role":"admin"}` is an unknown field → 400. */
export const registerBody = () => z.strictObject({ email: email(), password: password(), name: name(), ...profileFields() });

/** Admin-created user: password optional (no login until one is set). */
export const createUserBody = () =>
  z.strictObject({ email: email(), name: name(), password: z.optional(password()), role: z.optional(role()), ...profileFields(), ...stepUpFields() }).check(
    // Creating an admin, or an account with a password, needs the acting admin's step-up (services/users.ts): the document says so.
    z.meta({
      if: {
        anyOf: [
          { properties: { role: { const: 'admin' } }, required: ['role'] },
          { properties: { password: {} }, required: ['password'] },
        ],
      },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, in the document, never awaited
      then: { anyOf: ['current_password', 'totp_code', 'passkey'].map((field) => ({ properties: { [field]: {} }, required: [field] })) },
    }),
  );

/** Step-up (services/factors.ts): changing one's own email or password, deleting oneself, and an admin's changes to another admin. */
const reauthentication = stepUpFields;
const STEP_UP_FIELDS = Object.keys(stepUpFields());

/** Partial update (PUT as the seeds use it, and PATCH); null clears an optional profile field. */
export const updateUserBody = () =>
  z
    .strictObject({
      email: z.optional(email()),
      name: z.optional(name()),
      password: z.optional(password()),
      role: z.optional(role()),
      ...clearableFields(),
      ...reauthentication(),
    })
    .check(
      z.meta({
        minProperties: 1,
        dependentSchemas: { current_password: { minProperties: 2 }, totp_code: { minProperties: 2 }, device_token: { minProperties: 3 } },
      }),
      z.refine((b) => Object.keys(b).some((field) => !STEP_UP_FIELDS.includes(field)), 'Send at least one field to change'),
    );

/** DELETE's body is optional: only deleting oneself needs it. */
export const deleteUserBody = () => z.optional(z.strictObject(reauthentication()));

export const userIdParams = idParams;
export const listUsersQuery = () => z.strictObject({ ...pageQuery(), email: z.optional(email()) });

/** As stored: every field passed the schemas above on its way in. */
export const user = () =>
  z.object({
    user_id: z.uuid(),
    name: name(),
    email: email(),
    ...profileFields(),
    role: role(),
    version: version(),
    created_at: timestamp(),
    updated_at: timestamp(),
    /** When the owner proved the address; none on accounts from before verification (they count as verified) and on invitations not yet accepted. */
    email_verified_at: z.optional(timestamp()),
    /** An email change waiting for the new address to confirm it (the link mailed there); `email` stays the old one until then. */
    pending_email: z.optional(email()),
    pending_email_expires_at: z.optional(timestamp()),
  });
export const userPage = () => page(user());

export type RegisterBody = z.output<ReturnType<typeof registerBody>>;
export type CreateUserBody = z.output<ReturnType<typeof createUserBody>>;
export type UpdateUserBody = z.output<ReturnType<typeof updateUserBody>>;
export type DeleteUserBody = z.output<ReturnType<typeof deleteUserBody>>;
export type PublicUser = z.output<ReturnType<typeof user>>;
