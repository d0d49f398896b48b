/** The console's "forgot password", reset and invitation pages, with the links read from the real mailbox, in Chromium at both widths with axe. */
import { describe, expect, it } from 'vitest';
import { registerUser, signInAdmin, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { consoleHelpers, followLink } from '../support/console.ts';
import { linkIn, mailbox } from '../support/mailbox.ts';

const CHOSEN = 'Lantern-Orbit-Cactus-7';

describe.skipIf(!hasChromium)('the console: forgot password, reset and invitation', () => {
  const gateway = useGateway();
  const chromium = useBrowser();
  const { open, signIn } = consoleHelpers(gateway, chromium);

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.name} width: asks for a reset link, sets the password from it, and an invited user chooses theirs`, async () => {
      const account = await registerUser(gateway.api);
      const { page, problems } = await open(viewport);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Forgot your password?');
      await expectAccessible(page);
      await page.locator('#forgot-email').fill(account.email);
      await page.getByRole('button', { name: 'Mail me a link' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Check your mail');

      await followLink(page, linkIn(await mailbox().newest(account.email, 'Reset your password'), 'http'));
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Choose a new password');
      expect(page.url()).not.toContain('#reset');
      await page.locator('#new-password').fill('Summer2024!');
      await page.getByRole('button', { name: 'Set password' }).click();
      await expect.poll(() => page.locator('#new-password').getAttribute('aria-invalid')).toBe('true');
      await expectAccessible(page);
      await page.locator('#new-password').fill(CHOSEN);
      await page.getByRole('button', { name: 'Set password' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Your password is set');
      expect((await gateway.api.get('/me', { token: account.token })).status).toBe(401); // every session ended
      await page.getByRole('button', { name: 'Sign in' }).click();
      await signIn(page, account.email, { password: CHOSEN });
      await expect.poll(() => page.locator('#who').textContent()).toContain(account.email);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();

      // An account an admin made: the invitation's link lets its owner choose the password.
      const admin = await signInAdmin(gateway.api);
      const invited = uniqueEmail('invited');
      expect((await gateway.api.post('/users', { email: invited, name: 'Ivy Invited' }, { token: admin.token })).status).toBe(201);
      await followLink(page, linkIn(await mailbox().newest(invited, 'You have been invited to an account'), 'http'));
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Welcome: choose your password');
      await page.locator('#new-password').fill(CHOSEN);
      await page.getByRole('button', { name: 'Set password' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Your password is set');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await signIn(page, invited, { password: CHOSEN });
      await expect.poll(() => page.locator('#who').textContent()).toContain(invited);
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
