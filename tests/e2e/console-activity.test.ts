/** The console's "Recent activity" panel (GET /me/activity) in Chromium at both widths, with axe. */
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { consoleHelpers } from '../support/console.ts';

describe.skipIf(!hasChromium)("the console's recent activity", () => {
  const gateway = useGateway();
  const chromium = useBrowser();
  const { open, signIn } = consoleHelpers(gateway, chromium);

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.name} width: lists what happened to the account in words, newest first, with device and network`, async () => {
      const account = await registerUser(gateway.api);
      const { page, problems } = await open(viewport);
      await signIn(page, account.email);
      const panel = page.locator('#activity-list');
      const entries = () => panel.locator('li strong').allTextContents();
      await expect.poll(entries).toContain('Signed in from a new device');
      expect(await panel.locator('li').first().locator('dd').allTextContents()).toEqual([expect.stringMatching(/Chrom/), '127.0.0.0/24']);

      // Something done elsewhere shows after Refresh, on top.
      const newEmail = uniqueEmail('activity-new');
      expect((await gateway.api.patch(`/users/${account.id}`, { email: newEmail, current_password: PASSWORD }, { token: account.token })).status).toBe(200);
      await page.getByRole('region', { name: 'Recent activity' }).getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(async () => (await entries())[0]).toBe('Email change requested (waiting for the new address to confirm)');
      // No address, token or secret: only what happened, when, and from where.
      expect(await panel.textContent()).not.toContain(newEmail);
      await expectAccessible(page);
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
