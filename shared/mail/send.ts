/**
 * Mail out through Amazon SES (API v2). The SDK client is loaded and created on the first mail, so a
 * function pays for it only when it sends; locally AWS_ENDPOINT_URL_SESV2 points it at the local SES
 * (tools/local/mail.ts). The sender is the stack's verified identity (MAIL_FROM).
 *
 * What SES answers decides what the caller sees (docs/operations.md, "When SES refuses or is busy"):
 * - a permanent refusal (the sandbox's MessageRejected for an unverified recipient, a paused or
 *   suppressed sender …) is logged at ERROR as "mail refused by SES" with the error's name only (its
 *   message names the address) and otherwise treated as sent: the route answers as it does for a mail
 *   that went out, so a refusal of some addresses tells a caller nothing about them;
 * - throttling, SES's own failures and an unreachable endpoint (after the SDK's retries) are
 *   Unavailable, a 503 with Retry-After: 5.
 */
import { env } from '../config/index.ts';
import { Unavailable } from '../errors.ts';
import { onceUnlessRejected } from '../memo.ts';

export interface Mail {
  to: string;
  subject: string;
  /** The plain-text body; every mail has one. */
  text: string;
  html?: string;
}

/** The client, loaded on the first mail (and again on the next, if that failed). Pure: unused, the bundler drops it. */
const ses = /* @__PURE__ */ onceUnlessRejected(async () => {
  const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  return { ses: new SESv2Client({ maxAttempts: 3 }), SendEmailCommand };
});

/** SES's answers that the same request will never get past: the mail is refused, not delayed. */
const REFUSALS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
  'BadRequestException',
]);

/** Seconds a client waits before trying again when SES is busy or out of reach. */
export const MAIL_RETRY_SECONDS = 5;

/** One log line in the pipeline's shape (shared/http/log.ts), with the error's name and never its message. */
const log = (level: 'WARN' | 'ERROR', message: string, error: unknown) =>
  console.log(
    JSON.stringify({
      level,
      message,
      timestamp: new Date().toISOString(),
      service: process.env.POWERTOOLS_SERVICE_NAME ?? 'user-data-api',
      error_name: error instanceof Error ? error.name : 'unknown',
    }),
  );

const isRefusal = (error: unknown) => error instanceof Error && REFUSALS.has(error.name);

export async function sendMail(mail: Mail): Promise<void> {
  try {
    await deliver(mail);
  } catch (error) {
    if (!isRefusal(error)) {
      log('WARN', 'mail service unavailable', error);
      throw new Unavailable('Mail cannot be sent just now; try again in a few seconds.', undefined, MAIL_RETRY_SECONDS);
    }
    // Never the message: SES names the refused address in it.
    log('ERROR', 'mail refused by SES', error);
  }
}

async function deliver(mail: Mail): Promise<void> {
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
