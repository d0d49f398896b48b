/**
 * Passkeys (WebAuthn): the JSON forms of the browser's credentials (as @simplewebauthn/browser's
 * startRegistration and startAuthentication give them), the options the API hands out, and a passkey
 * as its owner sees it.
 */
import * as z from 'zod/mini';
import { deviceToken, shortText, timestamp } from './common.ts';

const base64url = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), z.regex(/^[\w-]+$/, 'Must be base64url'));
const credentialId = () => base64url(1400);
const extensionResults = () => z.record(z.string().check(z.maxLength(64)), z.unknown());
const int = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

/** A passkey assertion (PublicKeyCredential from navigator.credentials.get, JSON-encoded). */
export const assertion = () =>
  z
    .object({
      id: credentialId(),
      rawId: credentialId(),
      type: z.literal('public-key'),
      response: z.object({
        clientDataJSON: base64url(4096),
        authenticatorData: base64url(4096),
        signature: base64url(1024),
        userHandle: z.optional(base64url(128)),
      }),
      clientExtensionResults: z.optional(extensionResults()),
      authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
    })
    .check(z.meta({ description: 'The assertion of a passkey, as navigator.credentials.get made it (JSON-encoded, base64url fields)' }));
export type AssertionJson = z.output<ReturnType<typeof assertion>>;

/** A new passkey's attestation (PublicKeyCredential from navigator.credentials.create, JSON-encoded). */
export const attestation = () =>
  z
    .object({
      id: credentialId(),
      rawId: credentialId(),
      type: z.literal('public-key'),
      response: z.object({
        clientDataJSON: base64url(4096),
        attestationObject: base64url(32_768),
        transports: z.optional(z.array(z.string().check(z.maxLength(20))).check(z.maxLength(10))),
        authenticatorData: z.optional(base64url(4096)),
        publicKey: z.optional(base64url(4096)),
        publicKeyAlgorithm: z.optional(int(-65536, 65535)),
      }),
      clientExtensionResults: z.optional(extensionResults()),
      authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
    })
    .check(z.meta({ description: 'The new credential, as navigator.credentials.create made it (JSON-encoded, base64url fields)' }));
export type AttestationJson = z.output<ReturnType<typeof attestation>>;

const passkeyName = () => shortText(60);

export const passkeyIdParams = () => z.strictObject({ id: z.string().check(z.regex(/^[\w-]{43}$/, 'Not a passkey id')) });

export const passkey = () =>
  z.object({
    passkey_id: z.string().check(z.meta({ description: 'The SHA-256 of its credential id (base64url)' })),
    name: z.string(),
    created_at: timestamp(),
    last_used_at: z.nullable(timestamp()),
    synced: z.boolean().check(z.meta({ description: 'The authenticator may copy it to your other devices (a multi-device, backed-up passkey)' })),
  });
export const passkeyList = () => z.object({ items: z.array(passkey()) });

export const registerPasskeyBody = () => z.strictObject({ name: passkeyName(), credential: attestation() });
export const renamePasskeyBody = () => z.strictObject({ name: passkeyName() });
export const passkeySignInBody = () => z.strictObject({ credential: assertion(), device_token: z.optional(deviceToken()) });

const descriptor = () => z.object({ id: z.string(), type: z.literal('public-key'), transports: z.optional(z.array(z.string())) });

/** What navigator.credentials.get needs (PublicKeyCredentialRequestOptionsJSON): hand it to startAuthentication. */
export const requestOptions = () =>
  z
    .object({
      challenge: z.string().check(z.meta({ description: 'Valid 5 minutes, once' })),
      rpId: z.string(),
      timeout: int(1, 600_000),
      userVerification: z.enum(['required', 'preferred']),
      allowCredentials: z.array(descriptor()),
    })
    .check(
      z.meta({ description: 'PublicKeyCredentialRequestOptionsJSON: pass it to navigator.credentials.get (startAuthentication in @simplewebauthn/browser)' }),
    );

/** What navigator.credentials.create needs (PublicKeyCredentialCreationOptionsJSON): hand it to startRegistration. */
export const creationOptions = () =>
  z
    .object({
      challenge: z.string(),
      rp: z.object({ id: z.string(), name: z.string() }),
      user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
      pubKeyCredParams: z.array(z.object({ type: z.literal('public-key'), alg: int(-65536, 65535) })),
      timeout: int(1, 600_000),
      attestation: z.literal('none'),
      excludeCredentials: z.array(descriptor()),
      authenticatorSelection: z.object({
        residentKey: z.literal('required'),
        requireResidentKey: z.literal(true),
        userVerification: z.literal('preferred'),
      }),
    })
    .check(
      z.meta({ description: 'PublicKeyCredentialCreationOptionsJSON: pass it to navigator.credentials.create (startRegistration in @simplewebauthn/browser)' }),
    );
