import * as z from 'zod/mini';
import { currentPassword, deviceToken } from './common.ts';
import { assertion, requestOptions } from './passkeys.ts';

export const totpCode = () =>
  z.string().check(z.meta({ description: 'The 6-digit code your authenticator shows now' }), z.regex(/^\d{6}$/, 'Enter the 6 digits your authenticator shows'));
const recoveryCode = () => z.string().check(z.minLength(10, 'A recovery code has 10 characters'), z.maxLength(20));

/**
 * Step-up: what a sensitive action asks of a signed-in caller, the current password, a code from
 * their authenticator or a passkey assertion (services/factors.ts requireStepUp). Spread into a body schema.
 */
export const stepUpFields = () => ({
  current_password: z.optional(currentPassword()),
  totp_code: z.optional(totpCode()),
  passkey: z.optional(
    assertion().check(z.meta({ description: 'An assertion of one of your passkeys against a challenge from POST /me/passkeys/challenge (5 minutes, once)' })),
  ),
  device_token: z.optional(deviceToken()),
});
export const stepUpBody = () => z.strictObject(stepUpFields());
/** Step-up that only some cases of a route need (ending another session: yes; one's own: no body). */
export const optionalStepUpBody = () => z.optional(stepUpBody());

export const totpEnrolment = () =>
  z.object({
    secret: z
      .string()
      .check(z.meta({ description: 'The secret in base32, shown this once: type it into an authenticator, or use the URI' }), z.regex(/^[A-Z2-7]+=*$/)),
    otpauth_uri: z
      .string()
      .check(z.meta({ description: 'The otpauth:// URI (a QR code of it is what authenticator apps scan)' }), z.regex(/^otpauth:\/\/totp\//)),
  });

export const totpState = () =>
  z.object({
    enabled: z.boolean().check(z.meta({ description: 'Whether signing in needs a code from an authenticator (a pending, unconfirmed one does not count)' })),
    recovery_codes_left: z.int().check(z.meta({ description: 'Recovery codes not used yet (0 without an authenticator)' }), z.minimum(0), z.maximum(10)),
  });

export const confirmTotpBody = () => z.strictObject({ code: totpCode() });

export const recoveryCodesList = () =>
  z.object({
    recovery_codes: z
      .array(z.string().check(z.regex(/^[a-z2-9]{5}-[a-z2-9]{5}$/)))
      .check(z.meta({ description: 'Ten codes, shown this once: each signs in once in place of an authenticator code' })),
  });

const challengeToken = () => z.string().check(z.regex(/^[0-9a-f-]{36}\.[\w-]{43}$/, 'Send the challenge from POST /auth/login'));

export const mfaBody = () =>
  z
    .strictObject({
      challenge: challengeToken(),
      code: z.optional(totpCode()),
      recovery_code: z.optional(recoveryCode()),
      passkey: z.optional(assertion().check(z.meta({ description: "An assertion of one of the account's passkeys against `passkey_options`" }))),
    })
    .check(
      z.meta({ oneOf: [{ required: ['code'] }, { required: ['recovery_code'] }, { required: ['passkey'] }] }),
      z.refine((b) => [b.code, b.recovery_code, b.passkey].filter((v) => v !== undefined).length === 1, 'Send one of code, recovery_code or passkey'),
    );

export const mfaChallenge = () =>
  z.object({
    mfa_required: z.literal(true),
    challenge: z.string().check(z.meta({ description: 'Send it to POST /auth/login/mfa with a code within 5 minutes; it works once' })),
    methods: z.array(z.enum(['passkey', 'totp', 'recovery_code'])),
    passkey_options: z.optional(
      requestOptions().check(z.meta({ description: "With `passkey` among the methods: the options for navigator.credentials.get, the challenge's own" })),
    ),
  });

export type MfaBody = z.output<ReturnType<typeof mfaBody>>;
