import { session } from '../schemas/auth.ts';
import { stepUpBody } from '../schemas/factors.ts';
import {
  creationOptions,
  passkey,
  passkeyIdParams,
  passkeyList,
  passkeySignInBody,
  registerPasskeyBody,
  renamePasskeyBody,
  requestOptions,
} from '../schemas/passkeys.ts';
import * as example from './examples.ts';
import { type RouteDef, route } from './route.ts';

const rpId = 'api.example.com';
const challenge = 'mZcQ1zQh4kq9ZxLr0b8vN2aDf7HjE5gQiYoAuXw0pU3';
const passkeyId = 'uY3oQ9d6Jr0pZ1b6x8r6vU6y3nJt9N0m2b7cHqK4aLs';
const credentialId = 'AVq8b1Hc3xJmYzW0gkWfF4b2nQ';
const assertion = {
  id: credentialId,
  rawId: credentialId,
  type: 'public-key' as const,
  response: {
    clientDataJSON:
      'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoibVpjUTF6UWg0a3E5WnhMcjBiOHZOMmFEZjdIakU1Z1FpWW9BdVh3MHBVMyIsIm9yaWdpbiI6Imh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIn0',
    authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ',
    signature: 'MEUCIQDx5n6Wv5nC0z3d8bK3kGq1o2k3ZxW8j0n7Vb2n3c4h5AIgY7yq1r2s3t4u5v6w7x8y9z0A1B2C3D4E5F6G7H8I9J0',
    userHandle: 'NWRkZWIyZGEtMDg2Zi00Zjc5LThhNGQtODNlMWNkMzdjMzIy',
  },
  clientExtensionResults: {},
  authenticatorAttachment: 'platform' as const,
};
const requestExample = { challenge, rpId, timeout: 300000, userVerification: 'required' as const, allowCredentials: [] };
const passkeyExample = { passkey_id: passkeyId, name: 'Laptop', created_at: example.created, last_used_at: example.updated, synced: true };

const STEP_UP =
  'Step-up: send `current_password` (or `totp_code`, or `passkey`: an assertion of one of your passkeys against a challenge from POST /me/passkeys/challenge).';

/**
 * Passkeys (WebAuthn): sign-in with a passkey alone, and an owner's passkeys. Every function here has
 * the public URL (`webauthn: true`): the relying party's id is its host name and its origin the only
 * one accepted.
 */
export const passkeysRoutes = {
  'passkeys.signInOptions': route({
    method: 'POST',
    path: '/auth/passkey/options',
    entry: 'functions/passkeys/sign-in-options.ts',
    auth: 'none',
    webauthn: true,
    data: 'write',
    summary: 'Start a sign-in with a passkey: a challenge for any passkey of this site',
    description:
      'Answers the options for navigator.credentials.get (`startAuthentication` of @simplewebauthn/browser): a challenge valid 5 minutes and once, no credentials listed (the browser offers the passkeys it holds for this site, so no email is typed) and user verification required. The challenge is stored only as its hash. Send the assertion to POST /auth/passkey.',
    responseExample: requestExample,
    status: 200,
    response: requestOptions,
  }),
  'passkeys.signIn': route({
    method: 'POST',
    path: '/auth/passkey',
    entry: 'functions/passkeys/sign-in.ts',
    auth: 'none',
    webauthn: true,
    mail: true,
    data: 'write',
    errors: [401],
    summary: 'Sign in with a passkey: the assertion of a challenge from POST /auth/passkey/options',
    description:
      "Checks the assertion as the WebAuthn specification says: the challenge is one this API issued for a passkey sign-in (taken once, within 5 minutes), the origin and relying-party id are this API's public URL's, the user was verified, the passkey belongs to the account its user handle names, its signature checks with the stored public key and its signature counter grew (or the authenticator keeps none). Answers the profile, a token pair and a `device_token`, like POST /auth/login, with the session's method `passkey`. Any failure answers the same 401. Nothing is counted against the account: an assertion cannot be guessed, so failed passwords elsewhere never slow a passkey sign-in. A sign-in from a device without a recognised `device_token` mails the owner a notice.",
    requestExample: { credential: assertion, device_token: example.deviceToken },
    responseExample: { user: example.user, ...example.tokens, device_token: example.deviceToken },
    body: passkeySignInBody,
    status: 200,
    response: session,
  }),
  'passkeys.list': route({
    method: 'GET',
    path: '/me/passkeys',
    entry: 'functions/passkeys/list.ts',
    auth: 'user',
    data: 'read',
    summary: 'Your passkeys',
    description:
      "The caller's passkeys (at most 10), oldest first, each with its name, when it was added and last used, and whether it is synced across devices.",
    responseExample: { items: [passkeyExample] },
    status: 200,
    response: passkeyList,
  }),
  'passkeys.options': route({
    method: 'POST',
    path: '/me/passkeys/options',
    entry: 'functions/passkeys/options.ts',
    auth: 'user',
    bcrypt: true,
    webauthn: true,
    data: 'write',
    errors: [409],
    summary: 'Start adding a passkey: the options for navigator.credentials.create (step-up)',
    description: `${STEP_UP} Answers the options for navigator.credentials.create (\`startRegistration\` of @simplewebauthn/browser): a challenge valid 5 minutes and once, this API as the relying party, a discoverable credential (so it can sign in without an email), your passkeys excluded. With 10 passkeys already the answer is 409. Send the new credential to POST /me/passkeys.`,
    requestExample: { current_password: 'Str0ng!Passw0rd' },
    responseExample: {
      challenge,
      rp: { id: rpId, name: 'User Data' },
      user: { id: 'NWRkZWIyZGEtMDg2Zi00Zjc5LThhNGQtODNlMWNkMzdjMzIy', name: example.user.email, displayName: example.user.name },
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -8 },
        { type: 'public-key', alg: -257 },
      ],
      timeout: 300000,
      attestation: 'none',
      excludeCredentials: [],
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
    },
    body: stepUpBody,
    status: 200,
    response: creationOptions,
  }),
  'passkeys.register': route({
    method: 'POST',
    path: '/me/passkeys',
    entry: 'functions/passkeys/register.ts',
    auth: 'user',
    mail: true,
    webauthn: true,
    data: 'write',
    errors: [409, 422],
    location: (created: { passkey_id: string }) => `/me/passkeys/${created.passkey_id}`,
    summary: 'Add a passkey: the credential made with the options of POST /me/passkeys/options',
    description:
      "Checks the new credential as the WebAuthn specification says (the challenge is yours, for registration, taken once within 5 minutes; this API's origin and relying-party id; user presence; a supported algorithm) and stores its public key and signature counter, never anything secret, under `name`. A credential that does not check out answers 422 naming `credential` (well-formed, refused by its checks: ask for new options); one registered already, or an 11th passkey, answers 409. From then on the passkey signs in alone (POST /auth/passkey), serves as a second factor after a password (POST /auth/login/mfa) and confirms sensitive changes (step-up).",
    requestExample: {
      name: 'Laptop',
      credential: {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoibVpjUTF6UWg0a3E5WnhMcjBiOHZOMmFEZjdIakU1Z1FpWW9BdVh3MHBVMyIsIm9yaWdpbiI6Imh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIn0',
          attestationObject: 'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVjFSZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAA',
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      },
    },
    responseExample: { ...passkeyExample, last_used_at: null },
    body: registerPasskeyBody,
    status: 201,
    response: passkey,
  }),
  'passkeys.rename': route({
    method: 'PATCH',
    path: '/me/passkeys/{id}',
    entry: 'functions/passkeys/rename.ts',
    auth: 'user',
    data: 'write',
    summary: 'Rename one of your passkeys',
    description: "Gives the passkey a new name (1-60 characters). Another account's passkey id answers 404, as an unknown one does.",
    params: passkeyIdParams,
    requestExample: { name: 'Work laptop' },
    responseExample: { ...passkeyExample, name: 'Work laptop' },
    body: renamePasskeyBody,
    status: 200,
    response: passkey,
  }),
  'passkeys.remove': route({
    method: 'DELETE',
    path: '/me/passkeys/{id}',
    entry: 'functions/passkeys/remove.ts',
    auth: 'user',
    mail: true,
    bcrypt: true,
    webauthn: true,
    data: 'write',
    summary: 'Remove one of your passkeys (step-up)',
    description: `${STEP_UP} The passkey no longer signs in or confirms anything. Another account's passkey id answers 404, as an unknown one does.`,
    params: passkeyIdParams,
    requestExample: { current_password: 'Str0ng!Passw0rd' },
    body: stepUpBody,
    status: 204,
  }),
  'passkeys.challenge': route({
    method: 'POST',
    path: '/me/passkeys/challenge',
    entry: 'functions/passkeys/challenge.ts',
    auth: 'user',
    webauthn: true,
    data: 'write',
    errors: [409],
    summary: 'A step-up challenge for your passkeys: confirm a sensitive change with a passkey',
    description:
      'Answers the options for navigator.credentials.get listing your passkeys, with a challenge valid 5 minutes and once. The assertion goes as `passkey` in the body of a change that asks for step-up (password, email, second factors, passkeys, deletion, an admin acting on admins) in place of `current_password`. Without a passkey the answer is 409.',
    responseExample: {
      ...requestExample,
      userVerification: 'preferred',
      allowCredentials: [{ id: credentialId, type: 'public-key', transports: ['internal'] }],
    },
    status: 200,
    response: requestOptions,
  }),
} as const satisfies Record<string, RouteDef>;
