/**
 * Mail out through Amazon SES (API v2). The SDK client is loaded and created on the first mail, so a
 * function pays for it only when it sends; locally AWS_ENDPOINT_URL_SESV2 points it at the local SES
 * (tools/local/mail.ts). The sender is the stack's verified identity (MAIL_FROM).
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { env } from '../config/index.ts';

export interface Mail {
  to: string;
  subject: string;
  /** The plain-text body; every mail has one. */
  text: string;
  html?: string;
}

let client: Promise<{ ses: SESv2Client; SendEmailCommand: typeof import('@aws-sdk/client-sesv2').SendEmailCommand }> | undefined;

const ses = () =>
  (client ??= import('@aws-sdk/client-sesv2').then(({ SESv2Client, SendEmailCommand }) => ({
    ses: new SESv2Client({ maxAttempts: 3 }),
    SendEmailCommand,
  })));

export async function sendMail(mail: Mail): Promise<void> {
  const { ses: sender, SendEmailCommand } = await ses();
  const data = (text: string) => ({ Data: text, Charset: 'UTF-8' });
  await sender.send(
    new SendEmailCommand({
      FromEmailAddress: env.mailFrom,
      Destination: { ToAddresses: [mail.to] },
      Content: {
        Simple: {
          Subject: data(mail.subject),
          Body: { Text: data(mail.text), ...(mail.html && { Html: data(mail.html) }) },
        },
      },
    }),
  );
}

/**
 * A notice after the fact (a password changed, an account deleted): the change has happened, so a
 * mail that cannot be sent does not undo it or fail the request; it is logged.
 */
export async function sendNotice(mail: Mail): Promise<void> {
  await sendMail(mail).catch((error: unknown) => {
    console.warn(JSON.stringify({ level: 'WARN', message: 'notice not sent', subject: mail.subject, error: error instanceof Error ? error.name : 'unknown' }));
  });
}
