/// <reference lib="dom" />
/** Steps and readings the console's browser tests share. */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD, uniqueEmail } from './accounts.ts';
import type { useGateway } from './api.ts';
import { openPage, type useBrowser, type Viewport } from './browser.ts';
import { linkIn, mailbox } from './mailbox.ts';
import { nextCode } from './totp.ts';

/** The link of the newest sign-up mail to `email`, once `count` mails have arrived there. */
export async function signUpLink(email: string, count = 1): Promise<URL> {
  const mail = (await mailbox().waitFor(email, count)).at(-1);
  expect(mail?.subject).toMatch(/confirm|verify|sign.?up|welcome/i);
  return linkIn(mail as NonNullable<typeof mail>, 'http');
}

/** On a sign-up link's landing: types the password chosen at sign-up and confirms. */
export async function confirmSignUp(page: Page, password = PASSWORD) {
  await page.locator('#verify-password').fill(password);
  await page.getByRole('button', { name: 'Confirm and sign in' }).click();
}

/** Opens a mailed link as a click would, on the page's own origin (its path and hash; the host is the configured public URL's). */
export async function followLink(page: Page, link: URL) {
  await page.goto(`${link.pathname}${link.search}${link.hash}`);
}

export function consoleHelpers(gateway: ReturnType<typeof useGateway>, chromium: ReturnType<typeof useBrowser>) {
  return {
    open: (viewport: Viewport, options: { clock?: boolean } = {}) => openPage(chromium.browser, gateway.api.baseUrl, viewport, options),

    /**
     * Registers through the console's form, reads the link in the mail and follows it (in this page,
     * on the gateway's origin: the mail's links use the configured public URL); the new account's
     * email and access token.
     */
    async signUp(page: Page, name: string) {
      const email = uniqueEmail('console');
      await page.locator('#register-name').fill(name);
      await page.locator('#register-email').fill(email);
      await page.locator('#register-password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Register' }).click();
      await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
      await followLink(page, await signUpLink(email));
      await confirmSignUp(page);
      await expect.poll(() => page.locator('#who').textContent()).toBe(`Signed in as ${name} (${email})`);
      return { email, token: await page.locator('#token').inputValue() };
    },

    /** Signs in through the console's form; with `totpSecret`, gives the authenticator's code in the second step. */
    async signIn(page: Page, email: string, { password = PASSWORD, totpSecret }: { password?: string; totpSecret?: string } = {}) {
      await page.locator('#login-id').fill(email);
      await page.locator('#login-password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      if (totpSecret) {
        await page.locator('#mfa-code').fill(await nextCode(totpSecret));
        await page.getByRole('button', { name: 'Verify and sign in' }).click();
      }
      await expect.poll(() => page.locator('#who').textContent()).toContain(email);
    },

    /** The feedback shown in the panel around `inside` (no-break spaces as spaces). */
    statusIn: (inside: Locator) =>
      inside.evaluate((node) => node.closest('.panel, dialog')?.querySelector('.status')?.textContent?.replaceAll('\u00a0', ' ') ?? null),

    /** What has the focus: a control by its id, anything else by its tag and text. */
    focused: (page: Page) =>
      page.evaluate(() => {
        const node = document.activeElement;
        if (!node) return null;
        return /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(node.tagName) ? node.id : `${node.tagName}:${node.textContent?.trim().replaceAll('\u00a0', ' ')}`;
      }),
  };
}
