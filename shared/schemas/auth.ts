import { user } from './users.ts';
import * as z from 'zod/mini';

/** Email or username, plus the password. Only a length check here: the policy applies at sign-up. */
export const loginBody = z
  .strictObject({
    email: z.optional(z.string().check(z.maxLength(254))),
    username: z.optional(z.string().check(z.maxLength(30))),
    password: z.string().check(z.minLength(1), z.maxLength(1024)),
  })
  .check(z.refine((b) => (b.email === undefined) !== (b.username === undefined), 'Send either email or username'));

export const refreshBody = z.strictObject({ refresh_token: z.string().check(z.minLength(1), z.maxLength(200)) });

export const tokens = z.object({
  token_type: z.literal('Bearer'),
  access_token: z.string(),
  expires_in: z.int(),
  refresh_token: z.string(),
});

export const session = z.object({ user, ...tokens.shape });

export type LoginBody = z.output<typeof loginBody>;
