/// <reference lib="dom" />
/**
 * The console and Swagger UI in a real Chromium (Debian's, driven by playwright-core), against the
 * local gateway, at phone and desktop width. Screenshots land in tests/artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = 'tests/artifacts';
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
];

// .ci/run installs Chromium; on a machine without it these tests say so and do not run.
describe.skipIf(!existsSync(CHROMIUM))('in Chromium', () => {
  const gateway = useGateway();
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(() => browser?.close());

  async function open(viewport: { width: number; height: number }, path: string) {
    const context = await browser.newContext({ viewport, baseURL: gateway.api.baseUrl });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.api.baseUrl });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (m) => m.type() === 'error' && /Refused to|Content Security Policy/.test(m.text()) && problems.push(m.text()));
    await page.goto(path);
    return { page, problems };
  }

  const message = (page: Page) => page.locator('#message');

  for (const viewport of VIEWPORTS) {
    it(`walks every console flow at ${viewport.name} width`, async () => {
      const { page, problems } = await open(viewport, '/');
      const shot = (step: string) => page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-${step}.png`, fullPage: true });

      // Every field has a visible label; every button says what it does.
      const unlabeled = await page.$$eval('input, textarea', (fields) => fields.filter((f) => (f as HTMLInputElement).labels?.length === 0).map((f) => f.id));
      expect(unlabeled).toEqual([]);
      const nameless = await page.$$eval('button', (buttons) => buttons.filter((b) => !b.textContent?.trim()).length);
      expect(nameless).toBe(0);

      // Register: a weak password is explained in plain words, next to the field.
      const email = `console-${viewport.name}-${Date.now()}@example.com`;
      await page.getByLabel('Name', { exact: true }).first().fill('Ada Lovelace');
      await page.locator('#register-email').fill(email);
      await page.locator('#register-password').fill('weak');
      await page.getByRole('button', { name: 'Register' }).click();
      await expect.poll(() => message(page).textContent()).toContain('Password must be at least 8 characters');
      expect(await page.locator('#register-password').getAttribute('aria-invalid')).toBe('true');
      await shot('1-register-error');
      await page.locator('#register-password').fill('Str0ng!Passw0rd');
      await page.getByRole('button', { name: 'Register' }).click();
      // A cold start and a bcrypt hash: over expect.poll's default second on a busy machine.
      await expect.poll(() => page.locator('#who').textContent(), { timeout: 10_000 }).toBe(`Signed in as Ada Lovelace (${email})`);

      // The access token: shown, and copied to the clipboard.
      const token = await page.locator('#token').inputValue();
      expect(token.split('.')).toHaveLength(3);
      await page.getByRole('button', { name: 'Copy token' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

      // Profile: saved with the version check, and a change made elsewhere is reported.
      await page.getByLabel('Country').fill('India');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => message(page).textContent()).toBe('Profile saved.');
      expect(await page.locator('#profile-version').textContent()).toBe('2');
      const me = await gateway.api.get('/me', { token });
      expect(me.body.country).toBe('India');
      await gateway.api.put(`/users/${me.body.user_id}`, { gender: 'Female' }, { token });
      await page.getByLabel('Address').fill('1 Analytical Engine Way');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => message(page).textContent()).toContain('Your profile was changed elsewhere, so nothing was saved.');
      expect(await page.getByLabel('Gender').inputValue()).toBe('Female');
      expect(await page.locator('#profile-version').textContent()).toBe('3');
      await shot('2-profile');

      // Key-value: create, list, load, update with the version check, refuse a stale version, delete.
      await page.getByLabel('Key', { exact: true }).fill('settings/theme');
      await page.getByLabel('Value (JSON)').fill('{"mode": "dark"}');
      await page.getByRole('button', { name: 'Save entry' }).click();
      await expect.poll(() => message(page).textContent()).toBe('Created “settings/theme” (version 1).');
      await expect.poll(() => page.locator('#kv-list tr').count()).toBe(1);
      await page.getByLabel('Value (JSON)').fill('not json');
      await page.getByRole('button', { name: 'Save entry' }).click();
      await expect.poll(() => message(page).textContent()).toContain('The value is not valid JSON.');
      await page.getByLabel('Value (JSON)').fill('');
      await page.getByRole('button', { name: 'Load settings/theme' }).click();
      await expect.poll(() => page.getByLabel('Value (JSON)').inputValue()).toBe('{\n  "mode": "dark"\n}');
      expect(await page.getByLabel(/Version to update/).inputValue()).toBe('1');
      await page.getByLabel('Value (JSON)').fill('{"mode": "light"}');
      await page.getByRole('button', { name: 'Save entry' }).click();
      await expect.poll(() => message(page).textContent()).toBe('Saved “settings/theme” (version 2).');
      await page.getByLabel(/Version to update/).fill('1');
      await page.getByRole('button', { name: 'Save entry' }).click();
      await expect.poll(() => message(page).textContent()).toContain('is not at version 1 any more');
      expect((await gateway.api.get('/kv/settings%2Ftheme', { token })).body.value).toEqual({ mode: 'light' });
      await shot('3-kv');
      await page.getByLabel(/Version to update/).fill('2');
      await page.getByRole('button', { name: 'Delete entry' }).click();
      await expect.poll(() => message(page).textContent()).toBe('Deleted “settings/theme”.');
      await expect.poll(() => page.locator('#kv-list tr').count()).toBe(0);

      // Phone records: create one, look it up by phone, and be told when there is none.
      const phone = `7${String(Date.now()).slice(-9)}`;
      await page.locator('#record-name').fill('John Doe');
      await page.locator('#record-phone').fill(phone);
      await page.locator('#record-dob').fill('1990-01-01');
      await page.getByLabel('Height (cm)').fill('175');
      await page.getByLabel('Weight (kg)').fill('70');
      await page.getByRole('button', { name: 'Create record' }).click();
      await expect.poll(() => message(page).textContent()).toMatch(/^Record created for John Doe\. Its id is [\w-]{43}\.$/);
      await page.locator('#lookup-phone').fill(phone);
      await page.getByRole('button', { name: 'Look up record' }).click();
      await expect.poll(() => page.locator('#record-result').textContent()).toContain('175 cm');
      await shot('4-records');
      await page.locator('#lookup-phone').fill('1231231234');
      await page.getByRole('button', { name: 'Look up record' }).click();
      await expect.poll(() => message(page).textContent()).toBe('No record for this phone.');
      await page.locator('#record-phone').fill('123');
      await page.getByRole('button', { name: 'Create record' }).click();
      await expect.poll(() => message(page).textContent()).toContain('Phone: Phone must be exactly 10 digits');

      // Email and password: the current password is asked for, next to its field; a wrong one is not a sign-out.
      const newEmail = `moved-${viewport.name}-${Date.now()}@example.com`;
      await page.locator('#profile-email').fill(newEmail);
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => message(page).textContent()).toContain('Enter your current password');
      expect(await page.locator('#profile-current-password').getAttribute('aria-invalid')).toBe('true');
      await page.locator('#profile-current-password').fill('Wrong-Password-1');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => message(page).textContent(), { timeout: 10_000 }).toContain('The current password is incorrect.');
      expect(await page.locator('#profile-current-password').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#who').textContent()).toBe(`Signed in as Ada Lovelace (${email})`);
      await page.locator('#profile-current-password').fill('Str0ng!Passw0rd');
      await page.locator('#profile-password').fill('Newer!Passw0rd1');
      await page.getByRole('button', { name: 'Save profile' }).click();
      // Three bcrypt runs (check the current password, hash the new one, sign in with it): give them time.
      await expect.poll(() => message(page).textContent(), { timeout: 15_000 }).toBe('Password changed. Every other session has been signed out.');
      expect(await page.locator('#who').textContent()).toBe(`Signed in as Ada Lovelace (${newEmail})`);
      expect(await page.locator('#profile-current-password').inputValue()).toBe('');
      expect((await gateway.api.get('/me', { token })).status).toBe(401);
      await shot('5-credentials');

      // Keyboard only: log out, then log in again with Enter.
      await page.getByRole('button', { name: 'Log out' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#who').textContent()).toBe('Not signed in');
      expect(await page.locator('#token').inputValue()).toBe('');
      await page.locator('#login-email').focus();
      await page.keyboard.type(newEmail);
      await page.keyboard.press('Tab');
      await page.keyboard.type('Newer!Passw0rd1');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#who').textContent()).toContain('Signed in as Ada Lovelace');
      await shot('6-signed-in');

      // Delete the account: only with the current password.
      await page.getByRole('button', { name: 'Delete my account' }).click();
      await expect.poll(() => message(page).textContent()).toContain('Enter your current password');
      expect(await page.locator('#delete-current-password').getAttribute('aria-invalid')).toBe('true');
      await page.locator('#delete-current-password').fill('Newer!Passw0rd1');
      await page.getByRole('button', { name: 'Delete my account' }).click();
      await expect.poll(() => message(page).textContent(), { timeout: 10_000 }).toBe('Your account was deleted.');
      expect(await page.locator('#who').textContent()).toBe('Not signed in');
      expect((await gateway.api.post('/auth/login', { email: newEmail, password: 'Newer!Passw0rd1' })).status).toBe(401);

      // Nothing about the session was written to storage the page keeps.
      expect(await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length)).toBe(0);
      expect(problems).toEqual([]);
    }, 120_000);
  }

  it('serves Swagger UI, whose "Try it out" works once the key and a token are entered', async () => {
    const account = await registerUser(gateway.api);
    const { page, problems } = await open({ width: 1280, height: 900 }, '/docs');
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    await page
      .getByRole('button', { name: /Authorize/ })
      .first()
      .click();
    const dialog = page.locator('.modal-ux');
    // One form per scheme: the API key, then the bearer token. Each re-renders once authorized.
    for (const [scheme, value] of [
      ['apiKey', 'test-api-key'],
      ['bearerAuth', account.token],
    ]) {
      const form = dialog.locator('.auth-container').filter({ hasText: scheme });
      await form.locator('input').fill(value);
      await form.getByRole('button', { name: 'Apply credentials' }).click();
      await form.locator('input').waitFor({ state: 'detached' }); // replaced by the stored credential
    }
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    const operation = page.locator('.opblock-get').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/me$/ }) });
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table .response .response-col_status');
    await expect.poll(() => status.first().textContent()).toContain('200');
    expect(await operation.locator('.live-responses-table').textContent()).toContain(account.id);
    await page.screenshot({ path: `${ARTIFACTS}/docs-try-it-out.png` });
    expect(problems).toEqual([]);
  }, 60_000);
});
