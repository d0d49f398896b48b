/// <reference lib="dom" />
/**
 * Passkeys in the console, in a real Chromium at phone and desktop width with axe-core, through
 * Chromium's virtual authenticator (DevTools protocol: a CTAP2 platform authenticator with resident
 * keys and user verification): add a passkey (password as step-up), sign out, sign in with the
 * passkey alone (no email typed), rename it, remove it with the passkey itself as step-up.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { consoleHelpers } from '../support/console.ts';

/** A virtual platform authenticator for the page (what a laptop's fingerprint reader or a phone offers). */
async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
}

describe.skipIf(!hasChromium)('passkeys in the console, in Chromium', () => {
  const gateway = useGateway({}, {}, { selfOrigin: true });
  const chromium = useBrowser();
  const { open, signIn, statusIn } = consoleHelpers(gateway, chromium);

  for (const viewport of VIEWPORTS) {
    it(`adds a passkey, signs in with it alone and as the second step, renames and removes it, at ${viewport.name} width`, async () => {
      const user = await registerUser(gateway.api);
      const { page, problems } = await open(viewport);
      const authenticator = await virtualAuthenticator(page);
      await expect.poll(() => page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible()).toBe(true);
      await expectAccessible(page);
      await signIn(page, user.email);

      // Add a passkey: the password confirms it is you.
      const panel = page.locator('#passkeys-panel');
      await expect.poll(() => panel.locator('#passkeys-empty').isVisible()).toBe(true);
      await page.locator('#passkey-name').fill('Laptop');
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      // Without a password and without a passkey yet, the password field says what is missing.
      await expect.poll(() => page.locator('#passkey-current-error').textContent()).toContain('current password');
      await page.locator('#passkey-current').fill(PASSWORD);
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await expect.poll(() => statusIn(page.locator('#passkey-form'))).toContain('Passkey “Laptop” added');
      await expect.poll(() => panel.locator('#passkeys-list tr').count()).toBe(1);
      expect(await page.locator('#passkey-current').inputValue()).toBe('');
      const [credential] = await authenticator.credentials();
      expect(credential?.isResidentCredential).toBe(true);
      expect(credential?.rpId).toBe('localhost');
      await expectAccessible(page);
      await page.locator('#passkeys-panel').screenshot({ path: `tests/artifacts/passkeys-${viewport.name}.png` });
      // Nothing sticks out of the panel, at phone width either.
      expect(await panel.evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true);

      // Sign out, then in with the passkey alone: no email, no password.
      await page.locator('#sign-out').click();
      await expect.poll(() => page.locator('#who').textContent()).toBe('Not signed in');
      // This browser's device token goes with it (kept under the account's id at the password sign-in), so no new-device notice.
      const sent = page.waitForRequest((request) => request.url().endsWith('/auth/passkey'));
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await expect.poll(() => page.locator('#who').textContent()).toContain(user.email);
      expect((await sent).postDataJSON().device_token).toMatch(/^[\w-]{43}$/);
      const sessions = await gateway.api.get('/me/sessions', { token: user.token });
      expect(sessions.body.items.map((s: { method: string }) => s.method)).toContain('passkey');
      await expect.poll(() => panel.locator('#passkeys-list tr').textContent()).not.toContain('Never used');

      // Rename it.
      await page.locator('#passkey-name').fill('Work laptop');
      await page.getByRole('button', { name: 'Rename the passkey Laptop' }).click();
      await expect.poll(() => statusIn(page.locator('#passkey-form'))).toContain('renamed to “Work laptop”');

      // With a passkey and no authenticator app, a password sign-in finishes with the passkey.
      await page.locator('#sign-out').click();
      await page.locator('#login-id').fill(user.email);
      await page.locator('#login-password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(() => page.locator('#login-heading').textContent()).toBe('Use your passkey');
      expect(await page.locator('#mfa-form').isHidden()).toBe(true);
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await expect.poll(() => page.locator('#who').textContent()).toContain(user.email);
      const methods = (await gateway.api.get('/me/sessions', { token: user.token })).body.items.map((s: { method: string }) => s.method);
      expect(methods).toContain('password+passkey');

      // Remove it, confirmed with the passkey itself (no password typed).
      await page.getByRole('button', { name: 'Remove the passkey Work laptop' }).click();
      await page.getByRole('button', { name: 'Remove passkey' }).click();
      await expect.poll(() => statusIn(page.locator('#passkey-form'))).toContain('Passkey “Work laptop” removed');
      await expect.poll(() => panel.locator('#passkeys-empty').isVisible()).toBe(true);
      expect((await gateway.api.get('/me/passkeys', { token: user.token })).body.items).toEqual([]);
      await expectAccessible(page);
      expect(problems).toEqual([]);
    });
  }
});
