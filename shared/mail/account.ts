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
    `If you meant to sign up: ${link(`register=${encodeURIComponent(to)}`)}`,
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
    `If this was not you, open this link within ${days} days: it cancels the change (or undoes it, if it was confirmed), removes any passkey, authenticator app or recovery codes added since, signs out every session and stops your password until you reset it:`,
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

/** What second factors an account has, for the owner to check after a reset. */
export interface FactorSummary {
  passkeys: string[];
  totp: boolean;
}

const factorLines = ({ passkeys, totp }: FactorSummary) => [
  passkeys.length === 0 ? 'Your account has no passkey.' : `Your account's passkeys: ${passkeys.join(', ')}.`,
  totp ? 'An authenticator app is on for your account.' : 'No authenticator app is on for your account.',
  `If any of these is not yours, sign in and remove it: ${env.publicUrl}/#/profile`,
];

export const passwordResetNotice = (to: string, factors?: FactorSummary, { factorsRemoved = false } = {}): Mail => ({
  to,
  subject: 'Your password was reset',
  text: [
    `The password of your account was reset with a link mailed here, at ${when()}. Every session was signed out.`,
    '',
    ...(factorsRemoved
      ? [
          'Your administrator had made this account with a password, so this reset is the first proof that the address is yours: the passkeys and authenticator app set up before it were removed.',
          '',
        ]
      : []),
    ...(factors ? [...factorLines(factors), ''] : []),
    ifNotYou(),
  ].join('\n'),
});

export type FactorChange = 'passkey_added' | 'passkey_removed' | 'totp_enabled' | 'totp_removed' | 'recovery_codes_regenerated';

const FACTOR_CHANGES: Record<FactorChange, [subject: string, what: string]> = {
  passkey_added: ['A passkey was added to your account', 'A passkey was added to your account'],
  passkey_removed: ['A passkey was removed from your account', 'A passkey was removed from your account'],
  totp_enabled: ['An authenticator app was turned on', 'An authenticator app was turned on for two-step sign-in on your account'],
  totp_removed: ['Your authenticator app was removed', 'The authenticator app (and its recovery codes) was removed from your account'],
  recovery_codes_regenerated: ['New recovery codes were made', 'New recovery codes were made for your account; the old ones no longer work'],
};

/** To an account's address: one of its second factors changed; for one added, its "this wasn't me" link and the days it works. */
export const factorChangedNotice = (
  to: string,
  change: FactorChange,
  { device, network }: { device: string; network: string },
  undo?: { token: string; days: number },
): Mail => {
  const [subject, what] = FACTOR_CHANGES[change];
  return {
    to,
    subject,
    text: [
      `${what} at ${when()}, from ${device} (network ${network}).`,
      '',
      ...(undo
        ? [
            `If this was not you, someone has your password and a session. This link removes it (and any passkey, authenticator app or recovery codes added after it), signs every session out and stops your password until you reset it from this mailbox; it works once, within ${undo.days} days:`,
            link(`undo-factor=${undo.token}`),
            '',
            `Then choose a new password: ${link('forgot')}`,
          ]
        : [
            `If this was not you, someone has your session: sign in, undo it and sign the other sessions out at ${env.publicUrl}/#/profile, then change your password.`,
            '',
            ifNotYou(),
          ]),
    ].join('\n'),
  };
};

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
