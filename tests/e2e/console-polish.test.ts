/// <reference lib="dom" />
/**
 * The console's layout and list tools in a real Chromium at phone and desktop width, with axe-core:
 * a sidebar that stays in view, a compact header, words and amounts that stay whole, read-only fields
 * that look it, a "New …" form that stays put, password errors as sentences; filter, sort and counts;
 * copy buttons; the JSON editor. UPDATE_SCREENSHOTS=1 saves each view in docs/console/.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signInAdmin } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { consoleHelpers } from '../support/console.ts';

const card = { payment_method: 'Credit Card', card_no: '4111 1111 1111 1111', card_expiry: '12/30', card_cvc: '123' };

/** Saves the page as docs/console/<view>-<width>.png when asked to. */
async function shot(page: Page, view: string, width: string) {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  mkdirSync('docs/console', { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `docs/console/${view}-${width}.png` });
}

/** How many lines the text of the element at `selector` takes. */
const lines = (page: Page, selector: string) =>
  page.locator(selector).evaluate((node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
  });

describe.skipIf(!hasChromium)('the console polished, in Chromium', () => {
  const gateway = useGateway();
  const chromium = useBrowser();
  const { open, signUp, signIn, statusIn, focused } = consoleHelpers(gateway, chromium);

  // A budget of 5 minutes per flow: dozens of steps, each waiting for the API, on a busy machine.
  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.name} width`, () => {
      it('keeps the layout steady and compact, words and amounts whole, fixed fields looking fixed, errors as sentences', async () => {
        const { page, problems } = await open(viewport);
        await shot(page, 'sign-in', viewport.name);

        // Each password rule broken is its own list item, a sentence.
        await page.locator('#register-name').fill('Ada');
        await page.locator('#register-email').fill('ada@example.com');
        await page.locator('#register-password').fill('weak');
        await page.getByRole('button', { name: 'Register' }).click();
        const rules = page.locator('#register-password-error li');
        await expect.poll(() => rules.count()).toBeGreaterThan(1);
        for (const rule of await rules.allTextContents()) expect(rule).toMatch(/^[A-Z].*\.$/);
        await expectAccessible(page);

        await page.reload();
        const { token } = await signUp(page, 'Grace Hopper');
        await shot(page, 'profile', viewport.name);
        // At phone width the header and the nav take little of the screen.
        if (viewport.name === 'phone') {
          const bottom = await page.locator('#nav').evaluate((nav) => nav.getBoundingClientRect().bottom);
          expect(bottom).toBeLessThan(viewport.height * 0.2);
        }

        for (let i = 1; i <= 24; i++) await gateway.api.post('/payments', { amount: i === 12 ? 12.5 : i, currency: 'USD', ...card }, { token });
        await page.getByRole('link', { name: 'Payments' }).click();
        await expect.poll(() => focused(page)).toBe('H1:Payments');
        await expect.poll(() => page.locator('#payments-list tr').count()).toBe(20);
        // Amounts stay on one line, however narrow the cell.
        expect(await lines(page, '#payments-list a >> text="USD 12.50"')).toBe(1);

        // Opening a payment leaves the "New payment" form where it was.
        const newForm = page.locator('#payment-form');
        const place = () =>
          newForm.evaluate((form) => {
            const box = form.getBoundingClientRect();
            return { left: box.left + window.scrollX, top: box.top + window.scrollY };
          });
        const before = await place();
        await page.getByRole('link', { name: 'USD 12.50' }).click();
        await expect.poll(() => focused(page)).toBe('H2:Payment of USD 12.50');
        expect(await place()).toEqual(before);

        // A completed payment's amount and currency are read-only, and look it.
        const edit = page.locator('#payment-edit');
        await edit.getByLabel('Status').selectOption('completed');
        await page.getByRole('button', { name: 'Save payment' }).click();
        await expect.poll(() => statusIn(edit)).toBe('Payment saved: it is now completed.');
        expect(await edit.getByLabel('Amount').isEditable()).toBe(false);
        expect(await edit.getByLabel('Currency').isEditable()).toBe(false);
        const look = (label: string) =>
          edit.getByLabel(label).evaluate((field) => {
            const style = getComputedStyle(field);
            return `${style.backgroundColor} ${style.borderStyle}`;
          });
        expect(await look('Amount')).not.toBe(await look('Description'));
        await expectAccessible(page);
        await shot(page, 'payments', viewport.name);
        if (viewport.name === 'desktop') {
          // Beside the list, not below it: the detail is in view with the list's top.
          const left = (selector: string) => page.locator(selector).evaluate((panel) => panel.getBoundingClientRect().left);
          expect(await left('#payment-panel')).toBe(await left('.panel:has(#payment-form)'));
        }

        // The sidebar stays in view at the bottom of a long page.
        if (viewport.name === 'desktop') {
          await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
          await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
          const top = await page.locator('#nav ul').evaluate((ul) => ul.getBoundingClientRect().top);
          expect(top).toBeGreaterThanOrEqual(0);
          expect(top).toBeLessThan(40);
        }
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

        await gateway.api.post(
          '/records',
          { name: 'Grace Hopper', phone: `7${String(Date.now()).slice(-9)}`, dob: '1906-12-09', height: 170, weight: 60 },
          { token },
        );
        await page.getByRole('link', { name: 'Records' }).click();
        await expect.poll(() => page.locator('#records-list tr').count()).toBe(1);
        await shot(page, 'records', viewport.name);

        // "Administrator" stays whole in the users list.
        const admin = await signInAdmin(gateway.api);
        const { page: adminPage } = await open(viewport);
        await signIn(adminPage, admin.email, { totpSecret: admin.totpSecret });
        await adminPage.getByRole('link', { name: 'Users' }).click();
        await expect.poll(() => adminPage.locator('#users-list td', { hasText: 'Administrator' }).count()).toBeGreaterThan(0);
        expect(await lines(adminPage, '#users-list td:has-text("Administrator") >> nth=0')).toBe(1);
        await expectAccessible(adminPage);
        await shot(adminPage, 'users', viewport.name);
        expect(problems).toEqual([]);
      }, 300_000);

      it('filters, sorts and counts a list, copies an id, and checks, formats and saves JSON', async () => {
        const { page, problems } = await open(viewport);
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
        const { token } = await signUp(page, 'Katherine Johnson');
        for (const amount of [3, 12.5, 100]) await gateway.api.post('/payments', { amount, currency: 'USD', ...card }, { token });
        await page.getByRole('link', { name: 'Payments' }).click();
        await expect.poll(() => page.locator('#payments-count').textContent()).toBe('3 payments');
        const amounts = () =>
          page.locator('#payments-list tr:not([hidden]) td:first-child').evaluateAll((cells) => cells.map((c) => c.textContent?.replaceAll('\u00a0', ' ')));

        await page.getByRole('button', { name: 'Amount' }).click();
        expect(await amounts()).toEqual(['USD 3.00', 'USD 12.50', 'USD 100.00']);
        expect(await page.locator('#payments-list').evaluate((b) => b.closest('table')?.querySelector('th[aria-sort]')?.getAttribute('aria-sort'))).toBe(
          'ascending',
        );
        await page.getByRole('button', { name: 'Amount' }).click();
        expect(await amounts()).toEqual(['USD 100.00', 'USD 12.50', 'USD 3.00']);

        await page.getByLabel('Filter payments').fill('12.5');
        await expect.poll(() => page.locator('#payments-count').textContent()).toBe('1 of 3 payments');
        expect(await amounts()).toEqual(['USD 12.50']);
        await expectAccessible(page);

        // Copy puts the id on the clipboard, and says so.
        await page.getByRole('link', { name: 'USD 12.50' }).click();
        await expect.poll(() => focused(page)).toBe('H2:Payment of USD 12.50');
        const id = (await gateway.api.get('/payments', { token })).body.items.find((p: { amount: number }) => p.amount === 12.5).payment_id;
        await page.getByRole('button', { name: 'Copy payment id' }).click();
        await expect.poll(() => page.locator('#payment-detail button.copy').textContent()).toBe('Copied');
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);

        // The JSON editor: where it goes wrong as typed, no save of invalid JSON, Format, then a save.
        await page.getByRole('link', { name: 'Key-value' }).click();
        await expect.poll(() => focused(page)).toBe('H1:Key-value store');
        const form = page.locator('#kv-form');
        await form.getByLabel('Key', { exact: true }).fill('prefs');
        await form.getByLabel('Value (JSON)').fill('{"mode": dark}');
        await expect
          .poll(() => page.locator('#kv-value-check').textContent())
          .toBe('Not valid JSON at line 1, column 10: text needs "quotes", for example "dark".');
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => page.locator('#kv-value-error').textContent()).toContain('line 1, column 10');
        expect((await gateway.api.get('/kv/prefs', { token })).status).toBe(404);
        await page.getByRole('button', { name: 'Format JSON' }).click();
        expect(await focused(page)).toBe('kv-value');
        await expectAccessible(page);

        await form.getByLabel('Value (JSON)').fill('{"mode":"dark","sizes":[1,2]}');
        await expect.poll(() => page.locator('#kv-value-check').textContent()).toBe('Valid JSON.');
        await page.getByRole('button', { name: 'Format JSON' }).click();
        expect(await form.getByLabel('Value (JSON)').inputValue()).toBe(JSON.stringify({ mode: 'dark', sizes: [1, 2] }, null, 2));
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('Created “prefs” (version 1).');
        expect((await gateway.api.get('/kv/prefs', { token })).body.value).toEqual({ mode: 'dark', sizes: [1, 2] });
        await expect.poll(() => page.locator('#kv-count').textContent()).toBe('1 key');
        await shot(page, 'key-value', viewport.name);
        expect(problems).toEqual([]);
      }, 300_000);
    });
  }
});
