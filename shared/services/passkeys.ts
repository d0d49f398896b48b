/**
 * An owner's passkeys: registering one (after step-up), listing, renaming and removing them (removal
 * after step-up), and the challenges of step-up and passkey sign-in. Verification is in webauthn.ts.
 */
import { MAX_PASSKEYS, type Passkey, passkeys, webauthnChallenges } from '../db/passkeys.ts';
import { sessions } from '../db/sessions.ts';
import { users } from '../db/users.ts';
import type { Caller } from '../domain/user.ts';
import { Conflict, NotFound, Unprocessable } from '../errors.ts';
import type { AttestationJson } from '../schemas/passkeys.ts';
import type { ClientContext } from './activity.ts';
import { noticeFactorChange } from './factor-notice.ts';
import { requireStepUp, type StepUpProof } from './factors.ts';
import { issueRequest, newChallenge, relyingParty, signedChallenge, TIMEOUT_MS, userHandleOf } from './webauthn.ts';

export const toPublicPasskey = (passkey: Passkey) => ({
  passkey_id: passkey.id,
  name: passkey.name,
  created_at: passkey.createdAt,
  last_used_at: passkey.lastUsedAt ?? null,
  synced: passkey.backedUp,
});

export const listPasskeys = async (caller: Caller) => ({ items: (await passkeys.list(caller.id)).map(toPublicPasskey) });

/** Options for a new passkey of the caller, after step-up: a resident (discoverable) credential, none of theirs again. */
export async function registrationOptions(caller: Caller, proof: StepUpProof, sourceIp: string) {
  await requireStepUp(caller, proof, sourceIp, 'a new passkey');
  const [user, existing] = await Promise.all([users.get(caller.id), passkeys.list(caller.id)]);
  if (!user) throw new NotFound('No such user.');
  if (existing.length >= MAX_PASSKEYS) throw new Conflict(`You have ${MAX_PASSKEYS} passkeys, the most an account may have: remove one first.`);
  const challenge = newChallenge();
  await webauthnChallenges.create(challenge, { purpose: 'register', userId: caller.id });
  const rp = relyingParty();
  return {
    challenge,
    rp: { id: rp.id, name: rp.name },
    user: { id: userHandleOf(caller.id), name: user.email, displayName: user.name },
    // ES256, EdDSA, RS256: what authenticators make, strongest first.
    pubKeyCredParams: [-7, -8, -257].map((alg) => ({ type: 'public-key' as const, alg })),
    timeout: TIMEOUT_MS,
    attestation: 'none' as const,
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, type: 'public-key' as const, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required' as const, requireResidentKey: true as const, userVerification: 'preferred' as const },
  };
}

const NOT_REGISTERED = 'The passkey could not be registered: ask for new options (POST /me/passkeys/options) and try again.';

/**
 * Registers the credential made with the caller's registration options (spec §7.1 through
 * @simplewebauthn/server): challenge issued to this caller for registration, taken once; this API's
 * origin and RP id; user presence. The credential id must be new (markers across accounts).
 */
export async function registerPasskey(caller: Caller, { name, credential }: { name: string; credential: AttestationJson }, client: ClientContext) {
  const refused = () => new Unprocessable(NOT_REGISTERED, [{ path: 'body.credential', message: 'Not a valid new passkey for a fresh challenge of yours' }]);
  const signed = signedChallenge(credential.response.clientDataJSON);
  const issued = signed && (await webauthnChallenges.take(signed));
  if (!signed || !issued || issued.purpose !== 'register' || issued.userId !== caller.id) throw refused();
  const { verifyRegistrationResponse } = await import('@simplewebauthn/server');
  const rp = relyingParty();
  const verification = await verifyRegistrationResponse({
    response: { ...credential, clientExtensionResults: credential.clientExtensionResults ?? {} } as Parameters<
      typeof verifyRegistrationResponse
    >[0]['response'],
    expectedChallenge: signed,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: false,
  }).catch(() => undefined);
  const info = verification?.verified ? verification.registrationInfo : undefined;
  if (!info || info.credential.id !== credential.id) throw refused();
  if ((await passkeys.list(caller.id)).length >= MAX_PASSKEYS)
    throw new Conflict(`You have ${MAX_PASSKEYS} passkeys, the most an account may have: remove one first.`);
  const added = await passkeys.add(
    {
      userId: caller.id,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: credential.response.transports ?? [],
      name,
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    },
    [sessions.stillOpen(caller.id, caller.sessionId)],
  );
  await noticeFactorChange(caller.id, 'passkey_added', client, added.createdAt);
  return toPublicPasskey(added);
}

export async function renamePasskey(caller: Caller, id: string, name: string) {
  const renamed = await passkeys.rename(caller.id, id, name);
  if (!renamed) throw new NotFound('No such passkey.');
  return toPublicPasskey(renamed);
}

export async function removePasskey(caller: Caller, id: string, proof: StepUpProof, client: ClientContext): Promise<void> {
  await requireStepUp(caller, proof, client.sourceIp, 'removing a passkey');
  if (!(await passkeys.remove(caller.id, id))) throw new NotFound('No such passkey.');
  await noticeFactorChange(caller.id, 'passkey_removed', client);
}

/** A step-up challenge for the caller's own passkeys (409 without any). */
export async function stepUpChallenge(caller: Caller) {
  const own = await passkeys.list(caller.id);
  if (own.length === 0) throw new Conflict('You have no passkey: confirm with your password (or an authenticator code) instead.');
  return issueRequest('step-up', caller.id, own);
}

/** A challenge for signing in with a passkey alone: any discoverable passkey of this site, user verification required. */
export const signInChallenge = () => issueRequest('sign-in', undefined, []);
