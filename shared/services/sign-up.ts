/**
 * Sign-up with a proven address (domain/sign-up.ts). Registering answers the same whether the address
 * is free or taken, after the same work (a bcrypt hash, a lookup, one write or read, one mail): a free
 * address gets a claim and a verification link, a taken one a notice to its owner. Verifying turns the
 * claim into an account and deletes every other claim of the address.
 */
import { hashPassword, verifyPassword } from '../crypto/passwords.ts';
import { type Claim, claims } from '../db/claims.ts';
import { UniquenessConflict } from '../db/markers.ts';
import { consumeRateLimit } from '../db/rate-limits.ts';
import { type User, users } from '../db/users.ts';
import { sourceNetwork } from '../domain/sign-in.ts';
import { MAILS_PER_ADDRESS, SIGN_UPS_PER_NETWORK, WINDOW_SECONDS } from '../domain/sign-up.ts';
import { normaliseEmail } from '../domain/user.ts';
import { RateLimited, Unprocessable } from '../errors.ts';
import { sendMail } from '../mail/send.ts';
import { alreadyRegisteredMail, verificationMail } from '../mail/sign-up.ts';
import type { RegisterBody } from '../schemas/users.ts';
import { assertUnguessable } from './password-strength.ts';

/**
 * An unknown, used or expired link, or an address taken meanwhile: one answer for all. A 422, not a
 * 400: the token is well-formed by the document, and what refuses it is the link's state.
 */
export class InvalidLink extends Unprocessable {
  constructor() {
    super('The link is invalid or has expired: sign up again to get a new one.', [{ path: 'body.token', message: 'invalid or expired link' }]);
  }
}

/** Whether another sign-up mail may go to this address this hour (beyond the bound none is sent, silently). */
const mayMail = (email: string) =>
  consumeRateLimit('sign-up-mails', `email:${normaliseEmail(email)}`, MAILS_PER_ADDRESS, WINDOW_SECONDS).then(
    () => true,
    (error) => {
      if (error instanceof RateLimited) return false;
      throw error;
    },
  );

export async function register({ password, ...details }: RegisterBody, sourceIp: string) {
  await consumeRateLimit('sign-ups', `network:${sourceNetwork(sourceIp)}`, SIGN_UPS_PER_NETWORK, WINDOW_SECONDS);
  await assertUnguessable(password, [details.email, details.name, details.username]);
  if (details.username !== undefined && (await users.idBy('username', details.username))) throw new UniquenessConflict('username');
  const [passwordHash, ownerId, mailAllowed] = await Promise.all([hashPassword(password), users.idBy('email', details.email), mayMail(details.email)]);
  const owner = ownerId === undefined ? undefined : await users.get(ownerId);
  const mail = owner ? alreadyRegisteredMail(owner.email) : verificationMail(details.email, await claims.create(details, passwordHash));
  if (mailAllowed) await sendMail(mail);
  return { status: 'verification_sent' as const, email: details.email };
}

/** A sign-up link, and the password chosen at sign-up or a new one: exactly one (schemas/auth.ts verifyBody). */
export interface Verification {
  token: string;
  password?: string;
  new_password?: string;
}

/**
 * Turns the claim a link names into an account, signed in; `signIn` starts its session. With the
 * password chosen at sign-up, the claim becomes the account: a squatter's link, opened by the
 * address's owner, cannot become an account the squatter can sign in to. With `new_password`, the
 * link's holder (the owner of the mailbox) makes the account with a password of their own and only
 * the claim's name: so the mails someone else's sign-ups send are enough for the owner to get in,
 * even when those sign-ups used up the address's mails for the hour.
 */
export async function verify<T>(verification: Verification, signIn: (user: User) => Promise<T>): Promise<T> {
  const found = await claims.find(verification.token);
  if (!found) throw new InvalidLink();
  let claim = found;
  if (verification.new_password !== undefined) {
    const { email, name } = found.details;
    await assertUnguessable(verification.new_password, [email, name], 'body.new_password');
    claim = { ...found, details: { email, name }, passwordHash: await hashPassword(verification.new_password) };
  } else if (!(await verifyPassword(verification.password ?? '', found.passwordHash)))
    throw new Unprocessable('This is not the password chosen when signing up with this link.', [
      { path: 'body.password', message: 'Not the password chosen at sign-up' },
    ]);
  const user = await createFrom(claim);
  await claims.removeAll(user.email);
  return signIn(user);
}

async function createFrom(claim: Claim): Promise<User> {
  try {
    return await users.create({ ...claim.details, role: 'user' }, claim.passwordHash, {
      verified: true,
      also: [claims.consume(claim, () => new InvalidLink())],
    });
  } catch (error) {
    if (!(error instanceof UniquenessConflict && error.field === 'email')) throw error;
    await claims.remove(claim); // the address was taken meanwhile: this claim can never become an account
    throw new InvalidLink();
  }
}
