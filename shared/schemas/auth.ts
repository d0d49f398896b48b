import * as z from 'zod/mini';
import { type Login, normaliseEmail, normaliseUsername } from '../domain/user.ts';
import { currentPassword, deviceToken, email, password } from './common.ts';
import { mfaChallenge, totpCode } from './factors.ts';
import { user } from './users.ts';

/**
 * Email or username, plus the password, parsed into a Login: which identifier names the account, as
 * accounts compare it (domain/user.ts). Only a length check on the password: the policy applies at sign-up.
 */
export const loginBody = () =>
  z.pipe(
    z
      .strictObject({
        email: z.optional(z.string().check(z.maxLength(254))),
        username: z.optional(z.string().check(z.maxLength(30))),
        password: currentPassword(),
        device_token: z.optional(deviceToken()),
        totp_code: z.optional(
          totpCode().check(
            z.meta({
              description:
                'With an authenticator on: its code now, checked with the password in this one request (no challenge), counted apart from password attempts, so failures elsewhere never slow it',
            }),
          ),
        ),
      })
      .check(
        z.meta({ oneOf: [{ required: ['email'] }, { required: ['username'] }] }),
        z.refine((b) => (b.email === undefined) !== (b.username === undefined), 'Send either email or username'),
      ),
    z.transform(
      ({ email, username, password, device_token, totp_code }): Login => ({
        ...(email !== undefined ? { by: 'email', identifier: normaliseEmail(email) } : { by: 'username', identifier: normaliseUsername(username ?? '') }),
        password,
        ...(device_token !== undefined && { deviceToken: device_token }),
        ...(totp_code !== undefined && { totpCode: totp_code }),
      }),
    ),
  );

export const refreshBody = () => z.strictObject({ refresh_token: z.string().check(z.minLength(1), z.maxLength(200)) });

export const tokens = () =>
  z.object({
    token_type: z.literal('Bearer'),
    /** A JWS in compact form. */
    access_token: z.string().check(z.regex(/^[\w-]+\.[\w-]+\.[\w-]+$/)),
    expires_in: z.int().check(z.meta({ description: 'Seconds the access token is valid for' }), z.minimum(1)),
    /** The user's id, a dot and 32 random bytes in base64url (crypto/tokens.ts). */
    refresh_token: z.string().check(z.regex(/^[0-9a-f-]{36}\.[\w-]{43}$/)),
  });

export const session = () =>
  z.object({
    user: user(),
    ...tokens().shape,
    device_token: z.string().check(
      z.meta({
        description:
          'Keep it for this account on this device and send it with the next sign-in: attempts from a recognised device are not slowed by failures elsewhere',
      }),
      z.regex(/^[\w-]{43}$/),
    ),
  });

/** A sign-up's answer: the same for a free and a taken address. */
export const signUpAnswer = () => z.object({ status: z.literal('verification_sent'), email: z.string() });

/** The token of a sign-up link (`#verify=<token>`): 32 random bytes in base64url. */
/**
 * A sign-up link and either the password chosen at sign-up, or (the sign-up was someone else's, or its
 * mail never came) a new password: the link proves the address, so its owner makes the account.
 */
export const verifyBody = () =>
  z
    .strictObject({
      token: z.string().check(z.minLength(1), z.maxLength(200)),
      password: z.optional(currentPassword().check(z.meta({ description: 'The password chosen at sign-up: a link alone does not make an account' }))),
      new_password: z.optional(
        password().check(
          z.meta({
            description:
              "Instead of `password`: the sign-up was not yours (someone else used your address), or its mail never came, so choose this account's password now. The sign-up's name is kept; its other details are dropped.",
          }),
        ),
      ),
    })
    .check(
      z.meta({ oneOf: ['password', 'new_password'].map((field) => ({ properties: { [field]: {} }, required: [field] })) }),
      z.refine((body) => (body.password === undefined) !== (body.new_password === undefined), {
        message: 'Send either password (the one chosen at sign-up) or new_password, not both',
        path: ['password'],
      }),
    );

/** A sign-in's answer: the session, or (for an account with a second factor) a challenge. */
export const loginResult = () => z.xor([session(), mfaChallenge()]);

/** A mailed link's token (`#reset=`, `#invite=`, `#confirm-email=`, `#cancel-email=`): the account's id, a dot and 32 random bytes. */
const linkToken = () => z.string().check(z.minLength(1), z.maxLength(200));

/** "Forgot password": the address to mail a reset link to. */
export const forgotBody = () => z.strictObject({ email: email() });
/** A reset's answer: the same for a known and an unknown address. */
export const forgotAnswer = () => z.object({ status: z.literal('reset_sent'), email: z.string() });

/** A reset or invitation link's token with the new password (the same policy as sign-up). */
export const setPasswordBody = () => z.strictObject({ token: linkToken(), password: password() });

/** An email change's cancellation (from the old address). */
export const linkBody = () => z.strictObject({ token: linkToken() });

/** An email change's confirmation (from the new address): the token, and the password of the account that asked for the change. */
export const confirmEmailBody = () =>
  z.strictObject({
    token: linkToken(),
    password: currentPassword().check(
      z.meta({ description: 'The password of the account that asked for the change: a link alone moves no address (counted like a sign-in)' }),
    ),
    device_token: z.optional(deviceToken()),
  });
