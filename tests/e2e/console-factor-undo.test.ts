/** The console's page for the "this wasn't me" link of an added factor, opened from the real mailbox in Chromium at both widths, with axe. */
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { consoleHelpers, followLink } from '../support/console.ts';
import { linkIn, mailbox } from '../support/mailbox.ts';
import { enrolTotp } from '../support/totp.ts';

const CHOSEN = 'Quartz-Meadow-Lantern-42';

describe.skipIf(!hasChromium)('the console and an added factor that was not the owner', () => {
  const gateway = useGateway();
  const chromium = useBrowser();
  const { open, signIn } = consoleHelpers(gateway, chromium);

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.name} width: the notice's link removes an intruder's authenticator app, signs out everywhere, and a new password then signs in without it`, async () => {
      const owner = await registerUser(gateway.api);
      const { page, problems } = await open(viewport);
      await signIn(page, owner.email);
      await expect.poll(() => page.locator('#who').textContent()).toContain(owner.email);
      // The intruder, with the owner's password and a session of their own, turns an authenticator on.
      await enrolTotp(gateway.api, owner.token);
      const undoLink = linkIn(await mailbox().newest(owner.email, 'An authenticator app was turned on'), 'http');
      expect(undoLink.hash).toMatch(/^#undo-factor=/);

      // Opening the link posts nothing (a mail scanner must not sign the owner out); it says what will happen.
      const posts: string[] = [];
      page.on('request', (r) => r.method() === 'POST' && posts.push(new URL(r.url()).pathname));
      await followLink(page, undoLink);
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Was this not you?');
      expect(page.url()).not.toContain('#undo-factor');
      await expectAccessible(page);
      expect(posts.filter((path) => path.endsWith('/auth/factors/undo'))).toEqual([]);
      expect((await gateway.api.get('/me/totp', { token: owner.token })).body.enabled).toBe(true);

      await page.getByRole('button', { name: 'Remove it and sign out everywhere' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Removed, and every session signed out');
      expect(posts.filter((path) => path.endsWith('/auth/factors/undo'))).toHaveLength(1);
      await expectAccessible(page);
      expect((await gateway.api.get('/me', { token: owner.token })).status).toBe(401);
      expect((await gateway.api.post('/auth/login', { email: owner.email, password: PASSWORD })).status).toBe(401);

      // The page leads on to a new password from the mailbox; with it, sign-in asks for no code.
      await page.getByRole('button', { name: 'Choose a new password' }).click();
      await expect.poll(() => page.locator('#forgot-email').isVisible()).toBe(true);
      await page.locator('#forgot-email').fill(owner.email);
      await page.getByRole('button', { name: 'Mail me a link' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Check your mail');
      await followLink(page, linkIn(await mailbox().newest(owner.email, 'Reset your password'), 'http'));
      await page.locator('#new-password').fill(CHOSEN);
      await page.getByRole('button', { name: 'Set password' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('Your password is set');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await signIn(page, owner.email, { password: CHOSEN });
      await expect.poll(() => page.locator('#who').textContent()).toContain(owner.email);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await expect.poll(() => page.locator('#login-id').isVisible()).toBe(true); // signed out, before the next link

      // A link used once says so.
      await followLink(page, undoLink);
      await page.getByRole('button', { name: 'Remove it and sign out everywhere' }).click();
      await expect.poll(() => page.locator('#landing-heading').textContent()).toBe('This link no longer works');
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
