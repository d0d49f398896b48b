/**
 * Second factors racing the end of their account's sessions (a "this wasn't me" link, sign out
 * everywhere, a factor removed). A DynamoDB middleware holds the racing write until the other change
 * is done: the moment at which a factor used to be added by a session already ended, and a passkey
 * sign-in to open a session with a passkey already removed, each outliving the change.
 */
import { randomBytes } from 'node:crypto';
import { Secret } from 'otpauth';
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../shared/config/index.ts';
import { dynamo } from '../../shared/db/client.ts';
import { recoveryCodes, totps } from '../../shared/db/factors.ts';
import { passkeys, webauthnChallenges } from '../../shared/db/passkeys.ts';
import { sessions } from '../../shared/db/sessions.ts';
import { type User, users } from '../../shared/db/users.ts';
import { signInWithPasskey } from '../../shared/services/accounts.ts';
import { confirmTotp } from '../../shared/services/factors.ts';
import { registerPasskey } from '../../shared/services/passkeys.ts';
import { SoftwareAuthenticator } from '../../tools/local/software-authenticator.ts';
import { uniqueEmail } from '../support/accounts.ts';
import { nextCode } from '../support/totp.ts';

const client = { sourceIp: '127.0.0.1', userAgent: 'vitest' };
const origin = { device: 'vitest', network: '127.0.0.0/24', method: 'password' as const };
const { origin: rpOrigin, hostname: rpId } = new URL(env.publicUrl);

let release: (() => void) | undefined;
afterEach(() => release?.());

/** Runs `between` once, right before the next write whose command and input `matches`. */
function beforeNextWrite(matches: (command: string, input: string) => boolean, between: () => Promise<unknown>) {
  let armed = true;
  const name = `race-${Math.random()}`;
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      if (armed && /^(Put|Update|TransactWrite)Item/.test(context.commandName ?? '') && matches(context.commandName ?? '', JSON.stringify(args.input))) {
        armed = false;
        await between();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  release = () => dynamo.middlewareStack.remove(name);
}

async function signedInUser(tag: string): Promise<{ user: User; caller: { id: string; role: 'user'; sessionId: string } }> {
  const user = await users.create({ email: uniqueEmail(tag), name: 'Owner', role: 'user' });
  const session = await sessions.start(user.user_id, 'user', user.version, origin);
  return { user, caller: { id: user.user_id, role: 'user', sessionId: session.sessionId } };
}

const userHandle = (userId: string) => ({ id: Buffer.from(userId).toString('base64url') });

describe('a second factor racing the end of every session', () => {
  it('an authenticator app turned on by a session that ends meanwhile stays off, and gets no recovery codes', async () => {
    const { user, caller } = await signedInUser('raced-totp');
    const secret = new Secret({ size: 20 }).base32;
    await totps.startPending(user.user_id, secret);
    beforeNextWrite(
      (_, input) => input.includes('FACTOR#TOTP'),
      () => sessions.endAll(user.user_id),
    );
    await expect(confirmTotp(caller, await nextCode(secret), client)).rejects.toThrow('The session has ended');
    expect((await totps.get(user.user_id))?.active).toBe(false);
    expect(await recoveryCodes.remaining(user.user_id)).toBe(0);
  });

  it('a passkey registered by a session that ends meanwhile is not stored', async () => {
    const { user, caller } = await signedInUser('raced-register');
    const challenge = randomBytes(32).toString('base64url');
    await webauthnChallenges.create(challenge, { purpose: 'register', userId: user.user_id });
    const credential = new SoftwareAuthenticator(rpOrigin).create({ challenge, rp: { id: rpId }, user: userHandle(user.user_id) });
    beforeNextWrite(
      (command, input) => command.startsWith('TransactWrite') && input.includes('passkey-marker'),
      () => sessions.endAll(user.user_id),
    );
    await expect(registerPasskey(caller, { name: 'Raced', credential }, client)).rejects.toThrow('The session has ended');
    expect(await passkeys.list(user.user_id)).toEqual([]);
  });

  it('a passkey sign-in whose passkey is removed meanwhile opens no session', async () => {
    const { user } = await signedInUser('raced-passkey-sign-in');
    await sessions.endAll(user.user_id);
    const authenticator = new SoftwareAuthenticator(rpOrigin);
    authenticator.create({ challenge: 'unused', rp: { id: rpId }, user: userHandle(user.user_id) });
    const [credential] = authenticator.credentials;
    if (!credential) throw new Error('no credential');
    const stored = await passkeys.add({
      userId: user.user_id,
      credentialId: credential.id.toString('base64url'),
      publicKey: credential.publicKey,
      counter: 0,
      transports: ['internal'],
      name: 'Removed meanwhile',
      deviceType: 'singleDevice',
      backedUp: false,
    });
    const challenge = randomBytes(32).toString('base64url');
    await webauthnChallenges.create(challenge, { purpose: 'sign-in' });
    const assertion = authenticator.get({ challenge, rpId, allowCredentials: [] });
    beforeNextWrite(
      (command, input) => command.startsWith('TransactWrite') && /"entity":\{"S":"session"\}|"entity":"session"/.test(input),
      () => passkeys.remove(user.user_id, stored.id),
    );
    await expect(signInWithPasskey({ credential: assertion }, client)).rejects.toThrow('The passkey was not accepted');
    expect(await sessions.all(user.user_id)).toEqual([]);
  });
});
