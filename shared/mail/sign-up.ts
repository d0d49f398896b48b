/** The mails of sign-up. Every link starts with the configured public URL, never with anything from the request. */
import { env } from '../config/index.ts';
import type { Mail } from './send.ts';

/** To a new address: the single-use link that proves it and creates the account. */
export const verificationMail = (to: string, token: string): Mail => ({
  to,
  subject: 'Confirm your email address',
  text: [
    'Someone, hopefully you, signed up with this address. Open this link within 24 hours to confirm it and sign in:',
    '',
    `${env.publicUrl}/#verify=${token}`,
    '',
    'If it was not you, ignore this mail: no account is created until the link is opened. Or, if you want an account with this address, open the link and choose your own password there: whoever signed up cannot sign in to it.',
  ].join('\n'),
});

/** To an address that already has an account: someone tried to sign up with it. */
export const alreadyRegisteredMail = (to: string): Mail => ({
  to,
  subject: 'Someone tried to sign up with your address',
  text: [
    'Someone tried to create an account with this address, which already has one. Nothing was changed.',
    '',
    `If it was you, sign in: ${env.publicUrl}/#signin=${encodeURIComponent(to)}`,
    `Forgot your password? Reset it: ${env.publicUrl}/#forgot`,
    '',
    'If it was not you, you can ignore this mail.',
  ].join('\n'),
});
