import * as z from 'zod/mini';
import { email, idParams, name, page, pageQuery, password, pastDate, phone, role, shortText, username } from './common.ts';

const profileFields = {
  username: z.optional(username),
  phone: z.optional(phone),
  country: z.optional(shortText(56)),
  dob: z.optional(pastDate),
  address: z.optional(shortText(200)),
  gender: z.optional(shortText(30)),
};

/** Self-service sign-up: no `role` here, so `{"role":"admin"}` is an unknown field → 400. */
export const registerBody = z.strictObject({ email, password, name, ...profileFields });

/** Admin-created user: password optional (no login until one is set). */
export const createUserBody = z.strictObject({
  email,
  name,
  password: z.optional(password),
  role: z.optional(role),
  ...profileFields,
});

/** Partial update (PUT as the seeds use it, and PATCH). */
export const updateUserBody = z
  .strictObject({
    email: z.optional(email),
    name: z.optional(name),
    password: z.optional(password),
    role: z.optional(role),
    ...profileFields,
  })
  .check(z.refine((b) => Object.keys(b).length > 0, 'Send at least one field to change'));

export const userIdParams = idParams;

export const listUsersQuery = z.strictObject({ ...pageQuery, email: z.optional(email) });

export const user = z.object({
  user_id: z.uuid(),
  name: z.string(),
  email: z.string(),
  username: z.optional(z.string()),
  phone: z.optional(z.string()),
  country: z.optional(z.string()),
  dob: z.optional(z.string()),
  address: z.optional(z.string()),
  gender: z.optional(z.string()),
  role,
  version: z.int(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const userPage = page(user);

export type RegisterBody = z.output<typeof registerBody>;
export type CreateUserBody = z.output<typeof createUserBody>;
export type UpdateUserBody = z.output<typeof updateUserBody>;
export type PublicUser = z.output<typeof user>;
