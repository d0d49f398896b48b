/// <reference lib="dom" />
/** Steps and readings the console's browser tests share. */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD, uniqueEmail } from './accounts.ts';
import type { useGateway } from './api.ts';
import { openPage, type useBrowser, type Viewport } from './browser.ts';

export function consoleHelpers(gateway: ReturnType<typeof useGateway>, chromium: ReturnType<typeof useBrowser>) {
  return {
    open: (viewport: Viewport, options: { clock?: boolean } = {}) => openPage(chromium.browser, gateway.api.baseUrl, viewport, options),

    /** Registers through the console's form; the new account's email and access token. */
    async signUp(page: Page, name: string) {
      const email = uniqueEmail('console');
      await page.locator('#register-name').fill(name);
      await page.locator('#register-email').fill(email);
      await page.locator('#register-password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Register' }).click();
      await expect.poll(() => page.locator('#who').textContent()).toBe(`Signed in as ${name} (${email})`);
      return { email, token: await page.locator('#token').inputValue() };
    },

    /** Signs in through the console's form. */
    async signIn(page: Page, email: string, password = PASSWORD) {
      await page.locator('#login-id').fill(email);
      await page.locator('#login-password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(() => page.locator('#who').textContent()).toContain(email);
    },

    /** The feedback shown in the panel around `inside` (no-break spaces as spaces). */
    statusIn: (inside: Locator) => inside.evaluate((node) => node.closest('.panel')?.querySelector('.status')?.textContent?.replaceAll('\u00a0', ' ') ?? null),

    /** What has the focus: a control by its id, anything else by its tag and text. */
    focused: (page: Page) =>
      page.evaluate(() => {
        const node = document.activeElement;
        if (!node) return null;
        return /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(node.tagName) ? node.id : `${node.tagName}:${node.textContent?.trim().replaceAll('\u00a0', ' ')}`;
      }),
  };
}
