/** The mail that tells an owner their account was signed in from a device it had not seen. */
import { env } from '../config/index.ts';
import type { SignInOrigin } from '../db/sessions.ts';
import type { User } from '../db/users.ts';
import { sendMail } from '../mail/send.ts';

/**
 * Sent while the sign-in runs; a mail that cannot be sent does not stop the sign-in (the owner still
 * sees the session in GET /me/sessions), so its failure is only logged.
 */
export async function noticeOfNewDevice(user: User, { device, network }: SignInOrigin): Promise<void> {
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
  const send = async () =>
    sendMail({
      to: user.email,
      subject: 'New sign-in to your account',
      text: [
        `Hello ${user.name},`,
        '',
        `Your account was signed in from a new device: ${device}, network ${network}, at ${when} UTC.`,
        '',
        'If this was you, there is nothing to do.',
        `If it was not, change your password and sign that session out: ${env.publicUrl}/`,
      ].join('\n'),
    });
  await send().catch((error: unknown) => {
    console.warn(JSON.stringify({ level: 'WARN', message: 'sign-in notice not sent', error: error instanceof Error ? error.name : 'unknown' }));
  });
}
