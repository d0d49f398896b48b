/**
 * The mail a user receives, read as a user reads it: from the local SES's store over HTTP
 * (tools/local/mail.ts), never from the code that sent it. Addresses are unique per test, so a test
 * sees only its own mail.
 */
import { vi } from 'vitest';
import { defined } from '../../tools/values.ts';

export interface ReceivedMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** Epoch seconds. */
  at: number;
}

interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export function mailbox(endpoint = defined(process.env.AWS_ENDPOINT_URL_SESV2, 'the local SES endpoint')) {
  /** Every mail sent to `address` so far, oldest first. */
  async function received(address: string): Promise<ReceivedMail[]> {
    const response = await fetch(`${endpoint}/store`);
    const { emails } = (await response.json()) as { emails: StoredMail[] };
    return emails
      .filter((mail) => mail.destination.to.some((to) => to.toLowerCase() === address.toLowerCase()))
      .map((mail) => ({
        messageId: mail.messageId,
        from: mail.from,
        to: mail.destination.to,
        subject: mail.subject,
        text: mail.body.text ?? '',
        ...(mail.body.html !== undefined && { html: mail.body.html }),
        at: mail.at,
      }));
  }

  return {
    received,
    /** Waits until `address` has received `count` mails (the mail is sent while the request runs, but never assume when). */
    async waitFor(address: string, count = 1): Promise<ReceivedMail[]> {
      // vi.waitFor, not expect.poll: accounts are also made in beforeAll, outside any test.
      return vi.waitFor(
        async () => {
          const mails = await received(address);
          if (mails.length < count) throw new Error(`${count} mail(s) to ${address}; ${mails.length} so far`);
          return mails;
        },
        { timeout: 30_000, interval: 50 },
      );
    },
    /** Waits until `address` has a mail with this subject; the newest such mail. */
    async newest(address: string, subject: string): Promise<ReceivedMail> {
      return vi.waitFor(
        async () =>
          defined(
            (await received(address)).findLast((mail) => mail.subject === subject),
            `a mail “${subject}” to ${address}`,
          ),
        { timeout: 30_000, interval: 50 },
      );
    },
  };
}

/** The first link in a mail's text that starts with `base`. */
export function linkIn(mail: ReceivedMail, base: string): URL {
  const link = mail.text.split(/\s+/).find((word) => word.startsWith(base));
  return new URL(defined(link, `a link to ${base} in “${mail.subject}”`));
}
