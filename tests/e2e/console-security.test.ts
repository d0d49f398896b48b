/// <reference lib="dom" />
/**
 * Two-step sign-in in the console, in a real Chromium at phone and desktop width with axe-core: an
 * authenticator set up from the QR code (codes computed here, as the app would), ten recovery codes
 * shown once (copied, downloaded), the second step at sign-in with a code or a recovery code, new
 * codes and removal behind step-up; sessions showing how they signed in. UPDATE_SCREENSHOTS=1 saves
 * the views in docs/console/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, signInAdmin, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { ARTIFACTS, expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { confirmSignUp, consoleHelpers, followLink, signUpLink } from '../support/console.ts';
import { nextCode, wrongCode } from '../support/totp.ts';

type QrFactory = (
  type: number,
  level: string,
) => { addData(text: string): void; make(): void; getModuleCount(): number; isDark(r: number, c: number): boolean };
const qrcode = createRequire(import.meta.url)('qrcode-generator') as QrFactory;

/** The dark modules of the QR code of `text`, as the console draws them (one path, a quiet zone of 4). */
function expectedModules(text: string) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  let path = '';
  for (let row = 0; row < qr.getModuleCount(); row++)
    for (let col = 0; col < qr.getModuleCount(); col++) if (qr.isDark(row, col)) path += `M${col + 4} ${row + 4}h1v1h-1z`;
  return path;
}

/** The screen with `selector` at its top, in tests/artifacts/ and (UPDATE_SCREENSHOTS=1) docs/console/<view>-<width>.png. */
async function shot(page: Page, selector: string, view: string, width: string) {
  await page.locator(selector).evaluate((node) => node.scrollIntoView());
  await page.screenshot({ path: `${ARTIFACTS}/console-${width}-${view}.png` });
  if (!process.env.UPDATE_SCREENSHOTS) return;
  mkdirSync('docs/console', { recursive: true });
  await page.screenshot({ path: `docs/console/${view}-${width}.png` });
}

describe.skipIf(!hasChromium)('two-step sign-in in the console, in Chromium', () => {
  const gateway = useGateway();
  const chromium = useBrowser();
  const { open, signUp, signIn, statusIn, focused } = consoleHelpers(gateway, chromium);

  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.name} width`, () => {
      it('sets up an authenticator from its QR code, shows the recovery codes once, and asks for a code or a recovery code at sign-in', async () => {
        const { page, problems } = await open(viewport);
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
        const { email } = await signUp(page, 'Mary Jackson');
        const panel = page.locator('#totp');
        expect(await page.locator('#totp-state').textContent()).toMatch(/^Off: your password alone signs you in\./);

        // Setting up asks for the password first (a stolen session alone cannot add a factor).
        await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
        const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
        await stepUp.waitFor();
        expect(await page.getByRole('button', { name: 'Use a code from your authenticator app' }).isHidden()).toBe(true);
        await page.locator('#step-up-password').fill(PASSWORD);
        await stepUp.getByRole('button', { name: 'Continue' }).click();
        await page.locator('#totp-qr svg').waitFor();
        expect(await focused(page)).toBe('H2:Two-step sign-in');

        // The QR code is the otpauth:// URI of the key shown beside it, which an app takes typed in too.
        const secret = (await page.locator('#totp-secret code').textContent())?.replaceAll(' ', '') ?? '';
        expect(secret).toMatch(/^[A-Z2-7]{32}$/);
        const uri = new TOTP({ issuer: 'User Data', label: email, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).toString();
        expect(await page.locator('#totp-qr path').getAttribute('d')).toBe(expectedModules(uri));
        expect(await page.getByRole('img', { name: /^Scan this QR code with an authenticator app/ }).count()).toBe(1);
        await expectAccessible(page);
        await shot(page, '#totp', 'two-step-setup', viewport.name);

        // A wrong code is said next to the field; the right one turns it on and shows ten codes, once.
        await page.getByLabel('Code from the app').fill(wrongCode(secret));
        await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
        await expect.poll(() => page.locator('#totp-code-error').textContent()).toContain('This is not the code the app shows now');
        expect(await focused(page)).toBe('totp-code');
        await page.getByLabel('Code from the app').fill(await nextCode(secret));
        await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
        await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
        expect(await focused(page)).toBe('H3:Your recovery codes');
        expect(await statusIn(panel)).toBe('Two-step sign-in is on: from now on, signing in asks for a code from your app.');
        const codes = await page.locator('#recovery-codes code').allTextContents();
        expect(codes).toHaveLength(10);
        for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
        expect(await page.locator('#totp-qr').innerHTML()).toBe(''); // the key is no longer on the page
        expect(await page.locator('#totp-secret').innerHTML()).toBe('');
        await expectAccessible(page);
        await shot(page, '#totp', 'recovery-codes', viewport.name);

        await page.getByRole('button', { name: 'Copy codes' }).click();
        await expect.poll(() => statusIn(panel)).toBe('The ten codes are copied: paste them somewhere safe.');
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download codes' }).click()]);
        expect(download.suggestedFilename()).toBe('recovery-codes.txt');
        const file = readFileSync(await download.path(), 'utf8');
        for (const code of codes) expect(file).toContain(code);
        expect(file).toContain(email);
        await page.getByRole('button', { name: 'I have saved them' }).click();
        await expect.poll(() => page.locator('#recovery-codes li').count()).toBe(0);
        expect(await page.locator('#totp-state').textContent()).toMatch(/^On: after your password, signing in asks for a code/);
        expect(await page.getByRole('button', { name: 'Remove the authenticator' }).isVisible()).toBe(true);

        // A new password ends every session, this one too: with an authenticator, the owner signs in again with a code.
        const NEW_PASSWORD = 'Orbital-Mechanics-1962';
        await page.locator('#credentials-password').fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Change email or password' }).click();
        await page.locator('#step-up-password').fill(PASSWORD);
        await stepUp.getByRole('button', { name: 'Change password' }).click();
        await expect.poll(() => page.locator('#who').textContent()).toBe('Not signed in');
        expect(await statusIn(page.locator('#login-form'))).toBe('Password changed and every session signed out. Please sign in with your new password.');

        // Signing in again: after the password, a code; a wrong one is said, the right one signs in.
        await page.locator('#login-id').fill(email);
        await page.locator('#login-password').fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
        expect(await focused(page)).toBe('mfa-code');
        expect(await page.locator('#mfa-code').getAttribute('autocomplete')).toBe('one-time-code');
        expect(await page.getByRole('heading', { name: 'Create an account' }).isHidden()).toBe(true);
        await expectAccessible(page);
        await shot(page, 'body', 'sign-in-code', viewport.name);
        const mfa = page.locator('#mfa-form');
        await page.locator('#mfa-code').fill(wrongCode(secret));
        await page.getByRole('button', { name: 'Verify and sign in' }).click();
        await expect.poll(() => statusIn(mfa)).toBe('The code is incorrect or already used.');
        expect(await page.locator('#mfa-code-error').textContent()).toBe('Check the code in your app: it changes every 30 seconds.');
        await page.locator('#mfa-code').fill(await nextCode(secret));
        await page.getByRole('button', { name: 'Verify and sign in' }).click();
        await expect.poll(() => page.locator('#who').textContent()).toBe(`Signed in as Mary Jackson (${email})`);
        await expect
          .poll(() => page.locator('#sessions-list li').filter({ hasText: 'this browser' }).textContent())
          .toContain('with password and authenticator code');

        // Lost phone: a recovery code instead, once.
        await page.getByRole('button', { name: 'Sign out', exact: true }).click();
        await page.locator('#login-id').fill(email);
        await page.locator('#login-password').fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
        expect(await focused(page)).toBe('mfa-recovery');
        await page.getByLabel('Recovery code').fill(codes[0] as string);
        await page.getByRole('button', { name: 'Verify and sign in' }).click();
        await expect.poll(() => page.locator('#who').textContent()).toContain(email);
        // However a session signed in, the page reads the authenticator's state (GET /me/totp).
        await expect.poll(() => page.locator('#totp-state').textContent()).toMatch(/^On: .* Recovery codes left: 9 of 10\.$/);
        const login = await gateway.api.post('/auth/login', { email, password: NEW_PASSWORD });
        expect(login.body.mfa_required).toBe(true);
        const reused = await gateway.api.post('/auth/login/mfa', { challenge: login.body.challenge, recovery_code: codes[0] });
        expect(reused.status).toBe(401);

        // New codes, behind step-up (here with a code from the app): the old ones stop working.
        await page.getByRole('button', { name: 'New recovery codes' }).click();
        await stepUp.waitFor();
        expect(await page.locator('#step-up-text').textContent()).toContain('Enter your current password or a code from your authenticator app.');
        await stepUp.getByRole('button', { name: 'Use a code from your authenticator app' }).click();
        await page.locator('#step-up-code').fill(await nextCode(secret));
        await stepUp.getByRole('button', { name: 'Make new codes' }).click();
        await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
        const fresh = await page.locator('#recovery-codes code').allTextContents();
        expect(fresh).toHaveLength(10);
        expect(fresh).not.toContain(codes[1]);
        const old = await gateway.api.post('/auth/login/mfa', { challenge: login.body.challenge, recovery_code: codes[1] });
        expect(old.status).toBe(401);
        await page.getByRole('button', { name: 'I have saved them' }).click();

        // Removing it asks first (with the password); then a password alone signs in again.
        await page.getByRole('button', { name: 'Remove the authenticator' }).click();
        const removal = page.getByRole('dialog', { name: 'Remove the authenticator?' });
        await removal.waitFor();
        await removal.getByRole('button', { name: 'Cancel' }).click();
        await expect.poll(() => statusIn(panel)).toBe('Nothing was changed.');
        await page.getByRole('button', { name: 'Remove the authenticator' }).click();
        await page.locator('#step-up-password').fill(NEW_PASSWORD);
        await removal.getByRole('button', { name: 'Remove' }).click();
        await expect.poll(() => statusIn(panel)).toBe('The authenticator is removed: your password alone signs you in.');
        expect(await page.locator('#totp-state').textContent()).toMatch(/^Off:/);
        expect((await gateway.api.post('/auth/login', { email, password: NEW_PASSWORD })).body).toHaveProperty('access_token');
        expect(problems).toEqual([]);
      }, 300_000);

      it('tells an administrator without a second factor to set one up, and opens the Users view once it is on', async () => {
        const admin = await signInAdmin(gateway.api, { withFactor: false });
        const { page, problems } = await open(viewport);
        await signIn(page, admin.email);
        await page.getByRole('link', { name: 'Users' }).click();
        await expect
          .poll(() => statusIn(page.locator('#users-list')))
          .toBe('Administrator views need two-step sign-in: set up an authenticator app under Profile & security first.');
        await page.getByRole('link', { name: 'Profile & security' }).click();
        await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
        await page.locator('#step-up-password').fill(PASSWORD);
        await page.getByRole('dialog', { name: 'Confirm it is you' }).getByRole('button', { name: 'Continue' }).click();
        const secret = ((await page.locator('#totp-secret code').textContent()) ?? '').replaceAll(' ', '');
        await page.getByLabel('Code from the app').fill(await nextCode(secret));
        await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
        await page.getByRole('button', { name: 'I have saved them' }).click();
        await page.getByRole('link', { name: 'Users' }).click();
        await page.getByRole('button', { name: 'Show all' }).click();
        await expect.poll(() => page.locator('#users-list tr').count()).toBeGreaterThan(0);
        expect(await statusIn(page.locator('#users-list'))).toBe('');
        expect(problems).toEqual([]);
      }, 300_000);

      it('goes back to the password when the second step is cancelled or its challenge has ended', async () => {
        const { page, problems } = await open(viewport);
        const email = uniqueEmail('dorothy');
        await page.locator('#register-name').fill('Dorothy Vaughan');
        await page.locator('#register-email').fill(email);
        await page.locator('#register-password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Register' }).click();
        await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
        await shot(page, 'body', 'check-mail', viewport.name);
        await followLink(page, await signUpLink(email));
        await confirmSignUp(page);
        await expect.poll(() => page.locator('#who').textContent()).toContain(email);
        const token = await page.locator('#token').inputValue();
        const started = await gateway.api.post('/me/totp', { current_password: PASSWORD }, { token });
        await gateway.api.post('/me/totp/confirm', { code: await nextCode(started.body.secret) }, { token });
        await page.getByRole('button', { name: 'Sign out', exact: true }).click();

        await page.locator('#login-id').fill(email);
        await page.locator('#login-password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
        await page.getByRole('button', { name: 'Cancel' }).click();
        expect(await focused(page)).toBe('login-id');
        expect(await page.locator('#mfa-form').isHidden()).toBe(true);
        expect(await page.getByRole('heading', { name: 'Create an account' }).isVisible()).toBe(true);

        // A challenge that is over (here: used up elsewhere is simulated by a stale one) sends back to the password.
        await page.locator('#login-id').fill(email);
        await page.locator('#login-password').fill(PASSWORD);
        await page.route('**/auth/login/mfa', async (route) => {
          const body = route.request().postDataJSON();
          await route.continue({
            postData: JSON.stringify({ ...body, challenge: `${body.challenge.slice(0, -1)}${body.challenge.endsWith('A') ? 'B' : 'A'}` }),
          });
        });
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.locator('#mfa-code').fill(await nextCode(started.body.secret));
        await page.getByRole('button', { name: 'Verify and sign in' }).click();
        await expect.poll(() => statusIn(page.locator('#login-form'))).toBe('That sign-in has expired or had too many wrong codes. Please sign in again.');
        expect(await page.locator('#login-form').isVisible()).toBe(true);
        expect(await page.locator('#who').textContent()).toBe('Not signed in');
        expect(problems).toEqual([]);
      }, 300_000);
    });
  }
});
