/**
 * The links of the mails that answer "no account with this address" (forgot-password) and "someone
 * tried to sign up with your address" land on the console's sign-up and sign-in forms with the
 * address filled in, in Chromium; the address travels in the fragment, so no server sees it.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { consoleHelpers, followLink, signUpLink } from '../support/console.ts';
import { linkIn, mailbox } from '../support/mailbox.ts';

describe.skipIf(!hasChromium)('the console: links in the no-account and already-registered mails', () => {
  const gateway = useGateway();
  const chromium = useBrowser();
  const { open } = consoleHelpers(gateway, chromium);
  const viewport = VIEWPORTS[0] as (typeof VIEWPORTS)[number];

  it('the no-account mail opens sign-up with the address filled in', async () => {
    const email = uniqueEmail('new+person');
    expect((await gateway.api.post('/auth/password/forgot', { email })).status).toBe(202);
    const link = linkIn(await mailbox().newest(email, 'Reset your password'), 'http');
    expect(link.hash).toBe(`#register=${encodeURIComponent(email)}`);
    const { page } = await open(viewport);
    await followLink(page, link);
    await expect.poll(() => page.locator('#register-email').inputValue()).toBe(email);
    expect(await page.locator('#register-form').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('register-name');
    expect(page.url()).not.toContain('register=');
  });

  it('the already-registered mail opens sign-in with the address filled in', async () => {
    const account = await registerUser(gateway.api);
    expect((await gateway.api.post('/auth/register', { email: account.email, password: PASSWORD, name: 'Again' })).status).toBe(202);
    const link = linkIn(await mailbox().newest(account.email, 'Someone tried to sign up with your address'), 'http');
    expect(link.hash).toBe(`#signin=${encodeURIComponent(account.email)}`);
    const { page } = await open(viewport);
    await followLink(page, link);
    await expect.poll(() => page.locator('#login-id').inputValue()).toBe(account.email);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-password');
  });

  for (const size of VIEWPORTS)
    it(`at ${size.name} width: someone else's sign-up link lets the address's owner make the account with a password of their own`, async () => {
      const email = uniqueEmail('owner');
      expect((await gateway.api.post('/auth/register', { email, password: 'Squatter-Pass-1', name: 'Someone' })).status).toBe(202);
      const { page, problems } = await open(size);
      await followLink(page, await signUpLink(email));
      await page.locator('#verify-password').fill(PASSWORD); // the owner's own password is not the sign-up's
      await page.getByRole('button', { name: 'Confirm and sign in' }).click();
      await expect.poll(() => page.locator('#verify-password').getAttribute('aria-invalid')).toBe('true');
      await page.getByRole('button', { name: 'Not my sign-up: choose my own password' }).click();
      await expect.poll(() => page.locator('#verify-password-label').textContent()).toBe('Choose a password');
      expect(await page.locator('#verify-password').getAttribute('aria-invalid')).not.toBe('true');
      await expectAccessible(page);
      await page.getByLabel('Choose a password').fill('Violet-Harbour-Kettle-42');
      await page.getByRole('button', { name: 'Create my account' }).click();
      await expect.poll(() => page.locator('#who').textContent()).toContain(email);
      expect((await gateway.api.post('/auth/login', { email, password: 'Squatter-Pass-1' })).status).toBe(401);
      expect((await gateway.api.post('/auth/login', { email, password: 'Violet-Harbour-Kettle-42' })).status).toBe(200);
      expect(problems).toEqual([]);
    }, 300_000);
});
