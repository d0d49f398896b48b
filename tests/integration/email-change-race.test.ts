/**
 * A "this wasn't me" cancellation racing a new email change: the cancellation runs right after the
 * change's transaction commits (a DynamoDB middleware holds the change there), which is the moment
 * a change whose cancel link was written after its profile left that link alive, mailed to the
 * intruder's address and able to move the account back to it. The links are written in the same
 * transaction as the pending change, so the cancellation that follows sees the link and withdraws it.
 */
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../shared/crypto/passwords.ts';
import { dynamo } from '../../shared/db/client.ts';
import { users } from '../../shared/db/users.ts';
import { cancelEmailChange, confirmEmail } from '../../shared/services/email-change.ts';
import { updateUser } from '../../shared/services/users.ts';
import { PASSWORD, uniqueEmail } from '../support/accounts.ts';
import { mailbox } from '../support/mailbox.ts';

const client = { sourceIp: '127.0.0.1', userAgent: 'vitest' };
const linkTo = async (email: string, subject: string, landing: string) => {
  const mail = (await mailbox().waitFor(email)).findLast((m) => m.subject === subject);
  const token = mail && new RegExp(`#${landing}=([\\w.-]+)`).exec(mail.text)?.[1];
  if (!token) throw new Error(`no ${landing} link in the mail to ${email}`);
  return token;
};

/** Runs `between` once, right after the next transaction that writes a profile has committed. */
function afterNextProfileWrite(between: () => Promise<unknown>) {
  let armed = true;
  const name = `race-${Math.random()}`;
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (armed && context.commandName === 'TransactWriteItemsCommand' && /"entity":\{"S":"user"\}|"entity":"user"/.test(JSON.stringify(args.input))) {
        armed = false;
        await between();
      }
      return result;
    },
    { step: 'initialize', name },
  );
  return () => dynamo.middlewareStack.remove(name);
}

describe('an email change racing its owner’s cancellation', () => {
  it('leaves no cancel link of the racing change usable: the account stays at the address the owner took back', async () => {
    const [original, intruders, third] = [uniqueEmail('owner'), uniqueEmail('intruder'), uniqueEmail('third')];
    const user = await users.create({ email: original, name: 'Owner', role: 'user' }, await hashPassword(PASSWORD));
    const caller = { id: user.user_id, role: 'user' as const, sessionId: 'session' };
    const change = (email: string) => updateUser(caller, user.user_id, { email, current_password: PASSWORD }, { condition: {}, ...client });

    // The intruder (with the session and the password) moves the account to their address.
    await change(intruders);
    await confirmEmail({ token: await linkTo(intruders, 'Confirm your new email address', 'confirm-email'), password: PASSWORD }, client);
    expect((await users.get(user.user_id))?.email).toBe(intruders);
    const ownersCancel = await linkTo(original, 'Your email address is being changed', 'cancel-email');

    // The owner cancels just as the intruder asks for another change.
    const done = afterNextProfileWrite(() => cancelEmailChange(ownersCancel, client));
    try {
      await change(third);
    } finally {
      done();
    }
    expect((await users.get(user.user_id))?.email).toBe(original);

    // That change's cancel link, mailed to the intruder's address, is dead: it cannot move the account back there.
    const intrudersCancel = await linkTo(intruders, 'Your email address is being changed', 'cancel-email');
    await expect(cancelEmailChange(intrudersCancel, client)).rejects.toThrow();
    expect((await users.get(user.user_id))?.email).toBe(original);
  });
});
