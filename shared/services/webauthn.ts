/**
 * WebAuthn ceremonies (passkeys): the relying party from the configured public URL (never a request's
 * Host), challenges stored hashed and taken once, and assertions verified by @simplewebauthn/server.
 * The library is loaded only when a response is verified: routes that only hand out options (and
 * sign-in with a password) never load it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { env } from '../config/index.ts';
import { type ChallengePurpose, type Passkey, passkeyId, passkeys, webauthnChallenges } from '../db/passkeys.ts';
import type { AssertionJson } from '../schemas/passkeys.ts';

/** The relying party: its id is the public URL's host name, and only its origin may run a ceremony. */
export function relyingParty() {
  const url = new URL(env.publicUrl);
  return { id: url.hostname, origin: url.origin, name: 'User Data' };
}

export const TIMEOUT_MS = 5 * 60 * 1000;

export const newChallenge = () => randomBytes(32).toString('base64url');

/** The challenge a client signed, as its clientDataJSON names it (undefined if unreadable). */
export function signedChallenge(clientDataJSON: string): string | undefined {
  try {
    const { challenge } = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    return typeof challenge === 'string' && /^[\w-]{43}$/.test(challenge) ? challenge : undefined;
  } catch {
    return undefined;
  }
}

/** The WebAuthn user handle of an account: its id's bytes (no personal data), and back. */
export const userHandleOf = (userId: string) => Buffer.from(userId, 'utf8').toString('base64url');
const userOfHandle = (handle: string | undefined) => (handle ? Buffer.from(handle, 'base64url').toString('utf8') : undefined);

/** The WebAuthn challenge of a password sign-in's second step: derived from its (single-use) challenge, so nothing more is stored. */
export const challengeForMfa = (mfaChallenge: string) => createHash('sha256').update(`passkey-mfa:${mfaChallenge}`).digest('base64url');

const credentialDescriptor = (passkey: Passkey) => ({ id: passkey.credentialId, type: 'public-key' as const, transports: passkey.transports });

/** Options for navigator.credentials.get (PublicKeyCredentialRequestOptionsJSON). No passkeys listed: any discoverable one of this site. */
export function requestOptions(challenge: string, allow: Passkey[], userVerification: 'required' | 'preferred') {
  return {
    challenge,
    rpId: relyingParty().id,
    timeout: TIMEOUT_MS,
    userVerification,
    allowCredentials: allow.map(credentialDescriptor),
  };
}

/** A challenge issued for `purpose` (and this account, if any) and stored, with the options to send. */
export async function issueRequest(purpose: ChallengePurpose, userId: string | undefined, allow: Passkey[]) {
  const challenge = newChallenge();
  await webauthnChallenges.create(challenge, { purpose, userId });
  return requestOptions(challenge, allow, purpose === 'sign-in' ? 'required' : 'preferred');
}

/**
 * Verifies an assertion (spec §7.2 through @simplewebauthn/server): the passkey is the account's (by
 * the id the caller claims, or by the user handle of a discoverable one), the challenge is `expected`
 * (or one taken here, issued for `purpose` and this account), origin and RP id are this API's, the
 * signature checks with the stored public key, and the counter grows. Returns the account's id, or
 * undefined for any failure (all alike: no oracle).
 */
export async function verifyAssertion(
  assertion: AssertionJson,
  expected: { purpose: ChallengePurpose; userId?: string } | { challenge: string; userId: string },
  { requireUserVerification = false } = {},
): Promise<{ userId: string; passkey: Passkey } | undefined> {
  const userId = expected.userId ?? userOfHandle(assertion.response.userHandle);
  if (!userId || (assertion.response.userHandle !== undefined && userOfHandle(assertion.response.userHandle) !== userId)) return undefined;
  let challenge: string;
  if ('challenge' in expected) challenge = expected.challenge;
  else {
    const signed = signedChallenge(assertion.response.clientDataJSON);
    const issued = signed && (await webauthnChallenges.take(signed));
    if (!signed || !issued || issued.purpose !== expected.purpose || issued.userId !== expected.userId) return undefined;
    challenge = signed;
  }
  const passkey = await passkeys.get(userId, passkeyId(assertion.id));
  if (!passkey || passkey.credentialId !== assertion.id) return undefined;
  const { verifyAuthenticationResponse } = await import('@simplewebauthn/server');
  const rp = relyingParty();
  const verification = await verifyAuthenticationResponse({
    response: { ...assertion, clientExtensionResults: assertion.clientExtensionResults ?? {} },
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter, transports: [] },
    requireUserVerification,
  }).catch(() => undefined);
  if (!verification?.verified) return undefined;
  if (!(await passkeys.used(passkey, verification.authenticationInfo.newCounter))) return undefined;
  return { userId, passkey };
}
