/** Mail goes out through the real SES v2 API of the local SES and arrives as a user reads it. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sendMail } from '../../shared/mail/send.ts';
import { mailbox } from '../support/mailbox.ts';

describe('sendMail', () => {
  it('delivers subject, text and HTML from the configured sender to exactly its recipient', async () => {
    const to = `mail-${randomUUID()}@example.com`;
    const other = `mail-${randomUUID()}@example.com`;
    await sendMail({ to, subject: 'Confirm your address ✓', text: 'Open https://example.com/#verify', html: '<p>Open</p>' });
    const [mail, ...more] = await mailbox().waitFor(to);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({
      from: 'User Data <no-reply@example.com>',
      to: [to],
      subject: 'Confirm your address ✓',
      text: 'Open https://example.com/#verify',
      html: '<p>Open</p>',
    });
    expect(await mailbox().received(other)).toEqual([]);
  });
});
