/** The console's pages for the links of an email change, opened from the real mailbox in Chromium at both widths, with axe. */
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { consoleHelpers, followLink } from '../support/console.ts';
import { linkIn, mailbox } from '../support/mailbox.ts';

describe.skipIf(!hasChromium)('the console and an email change', () => {
  const gateway = useGateway();
  const chromium = useBrowser();
  const { open, signIn } = consoleHelpers(gateway, chromium);

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.name} width: the new address's link asks for the password before it confirms, and the old address's link cancels a change and signs out`, async () => {
      const account = await registerUser(gateway.api);
      const { page, problems } = await open(viewport);
      await signIn(page, account.email);
      await expect.poll(() => page.locator('#who').textContent()).toContain(account.email);

      // Confirm, from the mail to the new address: opening the link posts nothing (a click on someone
      // else's request, or a mail scanner, moves no address); it says what will happen and asks for the password.
      const newEmail = uniqueEmail('console-new');
      expect((await gateway.api.patch(`/users/${account.id}`, { email: newEmail, current_password: PASSWORD }, { token: account.token })).status).toBe(200);
      const posts: string[] = [];
      page.on('request', (r) => r.method() === 'POST' && posts.push(new URL(r.url()).pathname));
      await followLink(page, linkIn(await mailbox().newest(newEmail, 'Confirm your new email address'), 'http'));
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Confirm your new address');
      expect(page.url()).not.toContain('#confirm-email'); // the token leaves the address bar
      await expect.poll(() => page.locator('#confirm-email-password').isVisible()).toBe(true);
      await expectAccessible(page);
      expect(posts.filter((path) => path.endsWith('/auth/email/confirm'))).toEqual([]);
      expect((await gateway.api.get('/me', { token: account.token })).body.email).toBe(account.email);
      // A wrong password is said under the field, and the link still works.
      await page.locator('#confirm-email-password').fill('Not-The-Passw0rd!');
      await page.getByRole('button', { name: 'Confirm the new address' }).click();
      await expect.poll(() => page.locator('#confirm-email-password').getAttribute('aria-invalid')).toBe('true');
      expect((await gateway.api.get('/me', { token: account.token })).body.email).toBe(account.email);
      await page.locator('#confirm-email-password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Confirm the new address' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Your new address is confirmed');
      expect(posts.filter((path) => path.endsWith('/auth/email/confirm'))).toHaveLength(2);
      await expect.poll(() => page.locator('#who').textContent()).toContain(newEmail);
      await expectAccessible(page);

      // Cancel, from the notice to the (now) old address: the change is dropped and this browser signed out.
      const third = uniqueEmail('console-third');
      expect((await gateway.api.patch(`/users/${account.id}`, { email: third, current_password: PASSWORD }, { token: account.token })).status).toBe(200);
      // Opening the link posts nothing (a mail scanner must not sign the owner out everywhere); the button does.
      const cancelLink = linkIn(await mailbox().newest(newEmail, 'Your email address is being changed'), 'http');
      await followLink(page, cancelLink);
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Cancel the change of your address?');
      expect(page.url()).not.toContain('#cancel-email');
      await expectAccessible(page);
      expect(posts.filter((path) => path.endsWith('/auth/email/cancel'))).toEqual([]);
      expect((await gateway.api.get('/me', { token: account.token })).body.pending_email).toBe(third);
      await page.getByRole('button', { name: 'Cancel the change' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('The change is cancelled');
      expect(posts.filter((path) => path.endsWith('/auth/email/cancel'))).toHaveLength(1);
      expect(await page.locator('#landing-text').textContent()).toContain('every session was signed out');
      await expectAccessible(page);
      expect((await gateway.api.get('/me', { token: account.token })).status).toBe(401);

      // A link used once says so, and leads to sign-in.
      await followLink(page, cancelLink);
      await page.getByRole('button', { name: 'Cancel the change' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('This link no longer works');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#login-id').isVisible()).toBe(true);
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
