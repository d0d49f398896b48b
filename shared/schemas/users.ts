import * as z from 'zod/mini';
import { commonSchemas, lazy } from './common.ts';

export const userSchemas = lazy(() => {
  const { currentPassword, email, idParams, name, page, pageQuery, password, pastDate, phone, role, shortText, timestamp, username, version } = commonSchemas();

  const country = shortText(56);
  const address = shortText(200);
  const gender = shortText(30);
  const profileFields = {
    username: z.optional(username),
    phone: z.optional(phone),
    country: z.optional(country),
    dob: z.optional(pastDate),
    address: z.optional(address),
    gender: z.optional(gender),
  };
  /** The same fields in an update, where null clears one. */
  const clearableFields = {
    username: z.optional(z.nullable(username)),
    phone: z.optional(z.nullable(phone)),
    country: z.optional(z.nullable(country)),
    dob: z.optional(z.nullable(pastDate)),
    address: z.optional(z.nullable(address)),
    gender: z.optional(z.nullable(gender)),
  };

  /** Self-service sign-up: no `role` here, so `{"role":"admin"}` is an unknown field → 400. */
  const registerBody = z.strictObject({ email, password, name, ...profileFields });

  /** Admin-created user: password optional (no login until one is set). */
  const createUserBody = z.strictObject({ email, name, password: z.optional(password), role: z.optional(role), ...profileFields });

  /** The caller's own password: needed to change one's own email or password or to delete oneself. */
  const reauthentication = { current_password: z.optional(currentPassword) };

  /** Partial update (PUT as the seeds use it, and PATCH); null clears an optional profile field. */
  const updateUserBody = z
    .strictObject({
      email: z.optional(email),
      name: z.optional(name),
      password: z.optional(password),
      role: z.optional(role),
      ...clearableFields,
      ...reauthentication,
    })
    .check(
      z.meta({ minProperties: 1, dependentSchemas: { current_password: { minProperties: 2 } } }),
      z.refine((b) => Object.keys(b).some((field) => field !== 'current_password'), 'Send at least one field to change'),
    );

  /** DELETE's body is optional: only deleting oneself needs it. */
  const deleteUserBody = z.optional(z.strictObject(reauthentication));

  const listUsersQuery = z.strictObject({ ...pageQuery, email: z.optional(email) });

  /** As stored: every field passed the schemas above on its way in. */
  const user = z.object({ user_id: z.uuid(), name, email, ...profileFields, role, version, created_at: timestamp, updated_at: timestamp });

  return { registerBody, createUserBody, updateUserBody, deleteUserBody, userIdParams: idParams, listUsersQuery, user, userPage: page(user) };
});

type Schemas = ReturnType<typeof userSchemas>;
export type RegisterBody = z.output<Schemas['registerBody']>;
export type CreateUserBody = z.output<Schemas['createUserBody']>;
export type UpdateUserBody = z.output<Schemas['updateUserBody']>;
export type DeleteUserBody = z.output<Schemas['deleteUserBody']>;
export type PublicUser = z.output<Schemas['user']>;
