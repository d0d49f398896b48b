/**
 * A sign-in racing the change that signs every session out: the password is checked (and the
 * profile read) before the change, the session is opened after it. A DynamoDB middleware holds the
 * sign-in just before its session's transaction and runs the change there, the moment at which a
 * session used to be opened after the change had ended every session, and outlived it (a stolen
 * password kept working past its own change; a demoted admin kept an admin session). A second-factor
 * challenge earned with the old password cannot finish the sign-in after the change either.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../shared/crypto/passwords.ts';
import { dynamo } from '../../shared/db/client.ts';
import { totps } from '../../shared/db/factors.ts';
import { sessions } from '../../shared/db/sessions.ts';
import { users } from '../../shared/db/users.ts';
import { login, loginMfa } from '../../shared/services/accounts.ts';
import { updateUser } from '../../shared/services/users.ts';
import { PASSWORD, uniqueEmail } from '../support/accounts.ts';
import { nextCode } from '../support/totp.ts';

const client = { sourceIp: '127.0.0.1', userAgent: 'vitest' };
const NEW_PASSWORD = 'Lantern-Orbit-Cactus-7';

let release: (() => void) | undefined;
afterEach(() => release?.());

/** Runs `between` once, right before the next transaction that opens a session is sent. */
function beforeNextSessionOpens(between: () => Promise<unknown>) {
  let armed = true;
  const name = `race-${Math.random()}`;
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      if (armed && context.commandName === 'TransactWriteItemsCommand' && /"entity":\{"S":"session"\}|"entity":"session"/.test(JSON.stringify(args.input))) {
        armed = false;
        await between();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  release = () => dynamo.middlewareStack.remove(name);
}

const signIn = (email: string, password = PASSWORD) => login({ by: 'email', identifier: email, password }, client);

describe('a sign-in racing the change that ends every session', () => {
  it('opens no session that outlives a password change: the racing sign-in with the old password is refused', async () => {
    const email = uniqueEmail('raced');
    const user = await users.create({ email, name: 'Owner', role: 'user' }, await hashPassword(PASSWORD));
    const owner = { id: user.user_id, role: 'user' as const, sessionId: 'owner-session' };
    beforeNextSessionOpens(() => updateUser(owner, user.user_id, { password: NEW_PASSWORD, current_password: PASSWORD }, { condition: {}, ...client }));
    await expect(signIn(email)).rejects.toThrow('incorrect');
    expect(await sessions.all(user.user_id)).toEqual([]);
    // The new password signs in as ever.
    expect(await signIn(email, NEW_PASSWORD)).toHaveProperty('access_token');
  });

  it('opens no admin session for an admin demoted meanwhile', async () => {
    const [demoted, acting] = await Promise.all(
      ['demoted', 'acting'].map(async (tag) => users.create({ email: uniqueEmail(tag), name: tag, role: 'admin' }, await hashPassword(PASSWORD))),
    );
    if (!demoted || !acting) throw new Error('no admins');
    // Admin routes need the acting admin to have a second factor.
    await totps.startPending(acting.user_id, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    await totps.acceptStep(acting.user_id, 0, true);
    const admin = { id: acting.user_id, role: 'admin' as const, sessionId: 'acting-session' };
    beforeNextSessionOpens(() => updateUser(admin, demoted.user_id, { role: 'user', current_password: PASSWORD }, { condition: {}, ...client }));
    await expect(signIn(demoted.email)).rejects.toThrow('incorrect');
    expect(await sessions.all(demoted.user_id)).toEqual([]);
  });

  it('lets no second-factor challenge earned with the old password finish after the password changed', async () => {
    const email = uniqueEmail('challenged');
    const user = await users.create({ email, name: 'Owner', role: 'user' }, await hashPassword(PASSWORD));
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ';
    await totps.startPending(user.user_id, secret);
    await totps.acceptStep(user.user_id, 0, true);
    const started = await signIn(email);
    if (!('challenge' in started)) throw new Error('expected a second-factor challenge');
    const owner = { id: user.user_id, role: 'user' as const, sessionId: 'owner-session' };
    await updateUser(owner, user.user_id, { password: NEW_PASSWORD, current_password: PASSWORD }, { condition: {}, ...client });
    await expect(loginMfa({ challenge: started.challenge, code: await nextCode(secret) }, client)).rejects.toThrow('sign in again');
    expect(await sessions.all(user.user_id)).toEqual([]);
  });

  it('still signs in when the profile changed meanwhile without touching the password or role (a new name)', async () => {
    const email = uniqueEmail('renamed');
    const user = await users.create({ email, name: 'Owner', role: 'user' }, await hashPassword(PASSWORD));
    const owner = { id: user.user_id, role: 'user' as const, sessionId: 'owner-session' };
    beforeNextSessionOpens(() => updateUser(owner, user.user_id, { name: 'Renamed' }, { condition: {}, ...client }));
    expect(await signIn(email)).toHaveProperty('access_token');
    expect(await sessions.all(user.user_id)).toHaveLength(1);
  });
});
