/**
 * The mails of an account's lifecycle: password reset, email change, invitation, and the security
 * notices. Every link starts with the configured public URL, never with anything from the request.
 */
import { env } from '../config/index.ts';
import type { Mail } from './send.ts';

const when = () => `${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`;
const link = (fragment: string) => `${env.publicUrl}/#${fragment}`;
const ifNotYou = () => `If it was not you, reset your password now: ${link('forgot')}`;

/** To an account's address: the single-use link that sets a new password. */
export const resetMail = (to: string, token: string, minutes: number): Mail => ({
  to,
  subject: 'Reset your password',
  text: [
    `Someone, hopefully you, asked to reset the password of the account with this address. Open this link within ${minutes} minutes to choose a new one:`,
    '',
    link(`reset=${token}`),
    '',
    'The link works once, and only the newest one you were sent. If you did not ask, ignore this mail: your password stays as it is.',
  ].join('\n'),
});

/** To an address with no account: someone asked to reset a password for it. */
export const noAccountMail = (to: string): Mail => ({
  to,
  subject: 'Reset your password',
  text: [
    'Someone asked to reset the password of an account with this address, but no account uses it.',
    '',
    `If you meant to sign up: ${link('register')}`,
    '',
    'If it was not you, ignore this mail.',
  ].join('\n'),
});

/** To an invited address: the single-use link that sets the account's first password. */
export const invitationMail = (to: string, name: string, token: string, days: number): Mail => ({
  to,
  subject: 'You have been invited to an account',
  text: [
    `Hello ${name},`,
    '',
    `An administrator created an account for you with this address. Open this link within ${days} days to choose your password:`,
    '',
    link(`invite=${token}`),
    '',
    'The link works once. If you did not expect this, ignore this mail.',
  ].join('\n'),
});

/** To the new address of an email change: the single-use link that confirms it. */
export const confirmEmailMail = (to: string, token: string, hours: number): Mail => ({
  to,
  subject: 'Confirm your new email address',
  text: [
    `Someone asked to make this the address of their account. Open this link within ${hours} hours to confirm it:`,
    '',
    link(`confirm-email=${token}`),
    '',
    'Until then the account keeps its old address. If it was not you, ignore this mail.',
  ].join('\n'),
});

/** To the new address of an email change when another account already has it: nothing changes for it. */
export const addressInUseMail = (to: string): Mail => ({
  to,
  subject: 'Someone tried to use your address',
  text: [
    'Someone asked to move another account to this address, which already has an account. Nothing was changed, and your account is as it was.',
    '',
    'If it was you, sign in to the account that has this address instead.',
  ].join('\n'),
});

/** To the old address of an email change: the notice, with the link that undoes it. */
export const emailChangeNotice = (to: string, newEmail: string, token: string, days: number): Mail => ({
  to,
  subject: 'Your email address is being changed',
  text: [
    `At ${when()} someone asked to change the address of your account from this one to ${newEmail}. It takes effect when the new address confirms it.`,
    '',
    `If this was not you, open this link within ${days} days: it cancels the change (or undoes it, if it was confirmed), and signs out every session:`,
    '',
    link(`cancel-email=${token}`),
    '',
    `Then reset your password: ${link('forgot')}`,
  ].join('\n'),
});

export const passwordChangedNotice = (to: string): Mail => ({
  to,
  subject: 'Your password was changed',
  text: [`The password of your account was changed at ${when()}. Every session was signed out.`, '', ifNotYou()].join('\n'),
});

export const passwordResetNotice = (to: string): Mail => ({
  to,
  subject: 'Your password was reset',
  text: [`The password of your account was reset with a link mailed here, at ${when()}. Every session was signed out.`, '', ifNotYou()].join('\n'),
});

export const emailChangedNotice = (to: string, newEmail: string): Mail => ({
  to,
  subject: 'Your email address was changed',
  text: [
    `At ${when()} the address of your account changed from this one to ${newEmail}.`,
    '',
    'If this was not you, use the link in the mail about the change request to undo it, or contact us.',
  ].join('\n'),
});

export const accountDeletedNotice = (to: string): Mail => ({
  to,
  subject: 'Your account was deleted',
  text: [
    `Your account and the data it held (except payment records, which are kept as financial records) were deleted at ${when()}.`,
    '',
    'If this was not you, contact us at once.',
  ].join('\n'),
});
