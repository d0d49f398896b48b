/// <reference lib="dom" />
/**
 * The console's account, key-value and failure flows in a real Chromium against the local gateway, at
 * phone and desktop width, with axe-core on every view; and Swagger UI's "Try it out".
 * (Records, payments and the admins' users view: console-resources.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMIT_DEFAULTS } from '../../shared/config/limits.ts';
import { PASSWORD, registerUser, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { ARTIFACTS, expectAccessible, hasChromium, openPage, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { confirmSignUp, consoleHelpers, followLink, signUpLink } from '../support/console.ts';
import { mailbox } from '../support/mailbox.ts';

describe.skipIf(!hasChromium)('the console in Chromium', () => {
  // A small byte quota to reach; the key quota as deployed.
  const gateway = useGateway({}, { limits: { ...LIMIT_DEFAULTS, kvMaxBytes: 4000 } });
  const chromium = useBrowser();
  const { open, signUp, statusIn, focused } = consoleHelpers(gateway, chromium);

  // Each flow below has a budget of 5 minutes: dozens of steps, each waiting for the API (and a
  // function's cold start), take minutes on a busy machine. It catches a flow that hangs.
  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.name} width`, () => {
      it('registers once on a double click, explains errors next to their fields, and signs out and in by keyboard', async () => {
        const { page, problems } = await open(viewport);
        await expectAccessible(page);
        const unlabeled = await page.$$eval('input, textarea, select', (fields) =>
          fields.filter((f) => (f as HTMLInputElement).labels?.length === 0).map((f) => f.id),
        );
        expect(unlabeled).toEqual([]);
        const nameless = await page.$$eval('button', (buttons) => buttons.filter((b) => !b.textContent?.trim()).length);
        expect(nameless).toBe(0);

        // Errors in plain words, under their fields and in the panel of the form.
        const register = page.locator('#register-form');
        await page.getByRole('button', { name: 'Register' }).click();
        expect(await page.locator('#register-name-error').textContent()).toBe('This field is required.');
        expect(await focused(page)).toBe('register-name');
        await page.locator('#register-name').fill('Ada Lovelace');
        await page.locator('#register-email').fill('not-an-email');
        await page.locator('#register-password').fill('weak');
        await page.getByRole('button', { name: 'Register' }).click();
        await expect.poll(() => page.locator('#register-password-error').textContent()).toContain('Password must be at least 8 characters');
        expect(await page.locator('#register-email-error').textContent()).toBe('Enter an email address, such as jane@example.com.');
        expect(await page.locator('#register-password').getAttribute('aria-invalid')).toBe('true');
        expect(await page.locator('#register-password').getAttribute('aria-describedby')).toContain('register-password-error');
        expect(await statusIn(register)).toBe('Please correct the marked fields.');
        expect(await register.textContent()).not.toMatch(/Invalid input|expected string|received/);
        await page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-1-register-errors.png`, fullPage: true });

        // A double click sends one sign-up (on a fresh form: the error notes gone, the button stays put).
        await page.reload();
        await page.locator('#register-name').fill('Ada Lovelace');
        const email = uniqueEmail(`console-${viewport.name}`);
        await page.locator('#register-email').fill(email);
        await page.locator('#register-password').fill(PASSWORD);
        const signUps: string[] = [];
        page.on('request', (r) => r.url().endsWith('/auth/register') && signUps.push(r.method()));
        await page.getByRole('button', { name: 'Register' }).dblclick();
        // No account yet: the mail's link makes it. The page says where to look, and for how long the link works.
        await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
        expect(signUps).toEqual(['POST']);
        expect(await focused(page)).toBe('H3:Check your mail');
        const sent = await page.locator('#register-sent').textContent();
        expect(sent).toContain(`We sent a message to ${email}.`);
        expect(sent).toContain('The link works once, within 24 hours.');
        expect(await page.locator('#register-form').isHidden()).toBe(true);
        await expectAccessible(page);
        await page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-1-check-mail.png`, fullPage: true });

        // Following the link and typing the sign-up's password signs the new account in; the token leaves the address bar.
        const link = await signUpLink(email);
        expect(link.hash).toMatch(/^#verify=[\w-]+$/);
        await followLink(page, link);
        await confirmSignUp(page);
        await expect.poll(() => page.locator('#who').textContent()).toBe(`Signed in as Ada Lovelace (${email})`);
        expect(page.url()).not.toContain('verify');
        const token = await page.locator('#token').inputValue();
        expect((await gateway.api.get('/me/sessions', { token })).body.items).toHaveLength(1);
        // Focus on the heading of what is now shown.
        expect(await focused(page)).toBe('H1:Profile & security');
        expect(await statusIn(page.locator('#profile-form'))).toBe('Welcome, Ada Lovelace: your address is confirmed and your account is ready.');
        await expectAccessible(page);

        // The link works once: opened again, it says so and leads back to signing up or in.
        const reopened = await open(viewport);
        await followLink(reopened.page, link);
        await confirmSignUp(reopened.page);
        await reopened.page.getByRole('heading', { name: 'This link no longer works', level: 1 }).waitFor();
        expect(await focused(reopened.page)).toBe('H1:This link no longer works');
        expect(await reopened.page.locator('#landing-text').textContent()).toContain('works once, within 24 hours');
        await expectAccessible(reopened.page);
        await reopened.page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-1-link-used.png`, fullPage: true });
        await reopened.page.getByRole('button', { name: 'Sign up again' }).click();
        expect(await focused(reopened.page)).toBe('register-name');
        expect(await reopened.page.locator('#register-form').isVisible()).toBe(true);
        expect(reopened.problems).toEqual([]);
        await reopened.page.context().close();

        // Keyboard only: sign out, then sign in again with Enter.
        await page.getByRole('button', { name: 'Sign out', exact: true }).focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => page.locator('#who').textContent()).toBe('Not signed in');
        expect(await focused(page)).toBe('H1:Sign in');
        expect(await statusIn(page.locator('#login-form'))).toBe('You are signed out.');
        expect(await page.locator('#token').inputValue()).toBe('');
        expect((await gateway.api.get('/me', { token })).status).toBe(401);
        const signIns: Record<string, unknown>[] = [];
        page.on('request', (r) => r.url().endsWith('/auth/login') && signIns.push(r.postDataJSON()));
        await page.locator('#login-id').focus();
        await page.keyboard.type(email);
        await page.keyboard.press('Tab');
        await page.keyboard.type('Wrong-Password-1');
        await page.keyboard.press('Enter');
        await expect.poll(() => statusIn(page.locator('#login-form'))).toBe('The email, username or password is incorrect.');
        await page.locator('#login-password').fill(PASSWORD);
        await page.locator('#login-password').press('Enter');
        await expect.poll(() => page.locator('#who').textContent()).toBe(`Signed in as Ada Lovelace (${email})`);
        expect(await focused(page)).toBe('H1:Profile & security');

        // The page keeps only this browser's device token for the account, under hashes of its email and
        // of its id (for a passkey sign-in, which names no email), and sends it with each sign-in;
        // nothing of the session is written to storage.
        const kept = await page.evaluate(() => ({ local: Object.entries(localStorage), others: sessionStorage.length + document.cookie.length }));
        expect(kept.others).toBe(0);
        const device = kept.local[0]?.[1];
        expect(kept.local).toEqual(kept.local.map(() => [expect.stringMatching(/^device:[0-9a-f]{64}$/), device]));
        expect(device).toMatch(/^[\w-]{43}$/);
        expect(kept.local.length).toBeGreaterThanOrEqual(1);
        expect(signIns.map((body) => body.device_token)).toEqual([device, device]);
        const tokens = [await page.locator('#token').inputValue(), token];
        for (const value of tokens) expect(JSON.stringify(kept.local)).not.toContain(value);
        expect(problems).toEqual([]);
      }, 300_000);

      it('edits the profile and clears a field, changes email and password, ends sessions, exports, deletes the account after confirming', async () => {
        const { page, problems } = await open(viewport);
        const { token } = await signUp(page, 'Grace Hopper');
        const profile = page.locator('#profile-form');

        await profile.getByLabel('Country').fill('India');
        await profile.getByLabel('Phone').fill('5551234567');
        await page.getByRole('button', { name: 'Save profile' }).click();
        await expect.poll(() => statusIn(profile)).toBe('Profile saved.');
        expect(await page.locator('#profile-version').textContent()).toBe('2');
        expect(await focused(page)).toBe('P:Profile saved.');

        // Emptying a field removes it.
        await profile.getByLabel('Phone').fill('');
        await page.getByRole('button', { name: 'Save profile' }).click();
        await expect.poll(() => statusIn(profile)).toBe('Profile saved; removed: phone.');
        const me = await gateway.api.get('/me', { token: await page.locator('#token').inputValue() });
        expect(me.body).toMatchObject({ country: 'India', version: 3 });
        expect(me.body).not.toHaveProperty('phone');

        // A change made elsewhere is reported, and the form shows it.
        await gateway.api.put(`/users/${me.body.user_id}`, { gender: 'Female' }, { token });
        await profile.getByLabel('Address').fill('1 Analytical Engine Way');
        await page.getByRole('button', { name: 'Save profile' }).click();
        await expect.poll(() => statusIn(profile)).toContain('Your profile was changed elsewhere, so nothing was saved.');
        expect(await profile.getByLabel('Gender').inputValue()).toBe('Female');
        await expectAccessible(page);

        // Email and password: a dialog asks for the current password; a wrong one is said there and is no sign-out.
        const credentials = page.locator('#credentials-form');
        const newEmail = uniqueEmail(`moved-${viewport.name}`);
        await page.locator('#credentials-email').fill(newEmail);
        await page.getByRole('button', { name: 'Change email or password' }).click();
        const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
        await stepUp.waitFor();
        expect(await focused(page)).toBe('step-up-password');
        expect(await page.locator('#step-up-text').textContent()).toBe('To change your email, confirm it is you. Enter your current password.');
        await expectAccessible(page);
        await stepUp.getByRole('button', { name: 'Change email' }).click();
        expect(await page.locator('#step-up-password-error').textContent()).toBe('This field is required.');
        await page.locator('#step-up-password').fill('Wrong-Password-1');
        await stepUp.getByRole('button', { name: 'Change email' }).click();
        await expect.poll(() => statusIn(page.locator('#step-up-password'))).toBe('The current password is incorrect.');
        expect(await page.locator('#step-up-password').getAttribute('aria-invalid')).toBe('true');
        // Cancelled: nothing changes.
        await stepUp.getByRole('button', { name: 'Cancel' }).click();
        await expect.poll(() => statusIn(credentials)).toBe('Nothing was changed.');
        await page.getByRole('button', { name: 'Change email or password' }).click();
        const changes: Record<string, unknown>[] = [];
        page.on('request', (r) => r.method() === 'PUT' && r.url().includes('/users/') && changes.push(r.postDataJSON()));
        await page.locator('#step-up-password').fill(PASSWORD);
        await stepUp.getByRole('button', { name: 'Change email' }).click();
        // The new email is pending until the link mailed to it is followed (tests/http/email-change.test.ts).
        await expect.poll(() => statusIn(credentials)).toContain(`Check ${newEmail}: follow the link mailed there to confirm it.`);
        // The password goes with this browser's device token: it is judged on the device's own record.
        const device = await page.evaluate(() => Object.values(localStorage));
        expect(changes).toEqual([{ email: newEmail, current_password: PASSWORD, device_token: device[0] }]);
        expect(new Set(device).size).toBe(1); // one device token, whichever names it is kept under
        expect(await page.locator('#who').textContent()).not.toContain(newEmail);
        const confirmation = (await mailbox().waitFor(newEmail)).at(-1)?.text ?? '';
        const confirmed = await gateway.api.post('/auth/email/confirm', {
          token: /#confirm-email=([\w.-]+)/.exec(confirmation)?.[1],
          password: PASSWORD,
        });
        expect(confirmed.status).toBe(204);
        // Confirmed from the mailbox, elsewhere: the next change here finds the profile changed, and the form shows the new email.
        await page.locator('#credentials-password').fill('Newer!Passw0rd1');
        await page.getByRole('button', { name: 'Change email or password' }).click();
        await page.locator('#step-up-password').fill(PASSWORD);
        await stepUp.getByRole('button', { name: 'Change password' }).click();
        await expect.poll(() => statusIn(credentials)).toContain('Your profile was changed elsewhere');
        expect(await page.locator('#who').textContent()).toBe(`Signed in as Grace Hopper (${newEmail})`);
        await page.locator('#credentials-password').fill('Newer!Passw0rd1');
        await page.getByRole('button', { name: 'Change email or password' }).click();
        await page.locator('#step-up-password').fill(PASSWORD);
        await stepUp.getByRole('button', { name: 'Change password' }).click();
        await expect.poll(() => statusIn(credentials)).toBe('Password changed. Every other session has been signed out.');
        expect((await gateway.api.get('/me', { token })).status).toBe(401);
        expect(await page.locator('#credentials-password').inputValue()).toBe('');

        // Sessions: another device signs in; it is listed with its device, network and method, and signed out from here.
        const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
        const other = await gateway.api.post('/auth/login', { email: newEmail, password: 'Newer!Passw0rd1' }, { headers: { 'user-agent': firefox } });
        await page.getByRole('region', { name: 'Sessions' }).getByRole('button', { name: 'Refresh' }).click();
        await expect.poll(() => page.locator('#sessions-list li').count()).toBe(2);
        const sessions = page.locator('#sessions-list li');
        expect(await sessions.filter({ hasText: 'this browser' }).locator('.device').textContent()).toMatch(/^Headless Chrome \d+ on Linux this browser$/);
        const intruder = sessions.filter({ hasText: 'Firefox 128 on Windows' });
        expect(await intruder.locator('dl').textContent()).toMatch(/^Network127\.0\.0\.0\/24Signed in.+ with passwordLast used.+$/);
        await intruder.getByRole('button', { name: /^Sign out Firefox 128 on Windows, signed in / }).click();
        // Another session: step-up first (the API refuses it without).
        const signOutDialog = page.getByRole('dialog', { name: 'Sign out Firefox 128 on Windows?' });
        await page.locator('#step-up-password').fill('Newer!Passw0rd1');
        await signOutDialog.getByRole('button', { name: 'Sign out' }).click();
        await expect.poll(() => statusIn(page.locator('#sessions-list'))).toBe('Firefox 128 on Windows is signed out: its tokens no longer work.');
        expect(await page.locator('#sessions-list li').count()).toBe(1);
        expect((await gateway.api.get('/me', { token: other.body.access_token })).status).toBe(401);

        // Export: a JSON file of everything.
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
        expect(download.suggestedFilename()).toMatch(/^user-data-export-\d{4}-\d\d-\d\d\.json$/);
        const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
        expect(exported.profile).toMatchObject({ email: newEmail, country: 'India', gender: 'Female' });
        expect(await statusIn(page.locator('#export'))).toMatch(/^Downloaded user-data-export-.*: your profile, 0 key-value entries/);
        await page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-2-profile.png`, fullPage: true });

        // Deleting the account: only with the current password, in a dialog that asks first.
        const deletion = page.locator('#delete-account');
        await page.getByRole('button', { name: 'Delete my account' }).click();
        const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
        await dialog.waitFor();
        await expectAccessible(page);
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await expect.poll(() => statusIn(deletion)).toBe('Nothing was deleted.');
        expect((await gateway.api.post('/auth/login', { email: newEmail, password: 'Newer!Passw0rd1' })).status).toBe(200);
        await page.getByRole('button', { name: 'Delete my account' }).click();
        await page.locator('#step-up-password').fill('Newer!Passw0rd1');
        await dialog.getByRole('button', { name: 'Delete my account' }).click();
        await expect.poll(() => page.locator('#who').textContent()).toBe('Not signed in');
        expect(await statusIn(page.locator('#login-form'))).toBe('Your account was deleted.');
        expect(await page.evaluate(() => localStorage.length)).toBe(0); // nothing of the account stays in this browser
        expect(await focused(page)).toBe('H1:Sign in');
        expect((await gateway.api.post('/auth/login', { email: newEmail, password: 'Newer!Passw0rd1' })).status).toBe(401);
        expect(problems).toEqual([]);
      }, 300_000);

      it('creates, lists, pages, loads, updates and deletes key-value entries, and says plainly what went wrong', async () => {
        const { page, problems } = await open(viewport);
        const { token } = await signUp(page, 'Alan Turing');
        await page.getByRole('link', { name: 'Key-value' }).click();
        await expect.poll(() => focused(page)).toBe('H1:Key-value store');
        await expect.poll(() => page.locator('#kv-empty').isVisible()).toBe(true);
        await expectAccessible(page);
        const form = page.locator('#kv-form');

        await page.getByLabel('Key', { exact: true }).fill('settings/theme');
        await page.getByLabel('Value (JSON)').fill('{"mode": "dark"}');
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('Created “settings/theme” (version 1).');
        await expect.poll(() => page.locator('#kv-list tr').count()).toBe(1);
        expect(await page.locator('#kv-empty').isVisible()).toBe(false);
        await page.getByLabel('Value (JSON)').fill('{"mode": "light"}');
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('Saved “settings/theme” (version 2).');

        // Not JSON: said next to the field.
        await page.getByLabel('Value (JSON)').fill('dark');
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('The value is not valid JSON.');
        expect(await page.locator('#kv-value-error').textContent()).toContain('text needs "quotes"');
        expect(await focused(page)).toBe('kv-value');

        // Changed elsewhere: nothing is overwritten.
        await gateway.api.put('/kv/settings%2Ftheme', { mode: 'blue' }, { token });
        await page.getByLabel('Value (JSON)').fill('"mine"');
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toContain('was changed elsewhere since version 2, so nothing was saved');
        // A new entry does not replace one that exists.
        await page.getByRole('button', { name: 'New entry' }).click();
        expect(await page.getByLabel('Value (JSON)').inputValue()).toBe('');
        await page.getByLabel('Key', { exact: true }).fill('settings/theme');
        await page.getByLabel('Value (JSON)').fill('1');
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('An entry “settings/theme” already exists, so nothing was saved. Load it to see and change it.');
        expect((await gateway.api.get('/kv/settings%2Ftheme', { token })).body.value).toEqual({ mode: 'blue' });

        // Opening a key from the list shows its latest value and version.
        await page.getByRole('link', { name: 'settings/theme' }).click();
        await expect.poll(() => page.getByLabel('Value (JSON)').inputValue()).toBe('{\n  "mode": "blue"\n}');
        expect(await page.locator('#kv-version').textContent()).toBe('3');
        expect(await focused(page)).toBe('H2:Entry “settings/theme”');
        // A missing key leaves nothing of the previous entry behind.
        await page.getByLabel('Key', { exact: true }).fill('missing');
        await page.getByRole('button', { name: 'Load' }).click();
        await expect.poll(() => statusIn(form)).toBe('There is no entry “missing” yet. Enter a value and save to create it.');
        expect(await page.getByLabel('Value (JSON)').inputValue()).toBe('');
        expect(await page.locator('#kv-version').textContent()).toBe('–');
        expect(await page.getByRole('button', { name: 'Delete entry' }).isDisabled()).toBe(true);

        // The quota, in plain words with its numbers.
        await page.getByLabel('Value (JSON)').fill(JSON.stringify('x'.repeat(4500)));
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toContain('at most 1,000 keys and 4,000 bytes');

        // Long keys wrap inside their cell; the page never scrolls sideways.
        const long = 'projects/analytical-engine/notes/bernoulli-numbers/table-of-results/first-draft';
        for (let i = 0; i < 22; i++) await gateway.api.put(`/kv/${encodeURIComponent(`${long}/${String(i).padStart(2, '0')}`)}`, i, { token });
        await page.getByRole('button', { name: 'Filter' }).click();
        await expect.poll(() => page.locator('#kv-list tr').count()).toBe(20);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await page.getByRole('button', { name: 'Show more keys' }).click();
        await expect.poll(() => page.locator('#kv-list tr').count()).toBe(23);
        expect(await page.getByRole('button', { name: 'Show more keys' }).isHidden()).toBe(true);
        await page.getByLabel('Keys starting with').fill('settings/');
        await page.getByRole('button', { name: 'Filter' }).click();
        await expect.poll(() => page.locator('#kv-list tr').count()).toBe(1);
        await page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-3-kv.png`, fullPage: true });

        // Deleting asks first.
        await page.getByRole('link', { name: 'settings/theme' }).click();
        await expect.poll(() => page.locator('#kv-version').textContent()).toBe('3');
        await page.getByRole('button', { name: 'Delete entry' }).click();
        const dialog = page.getByRole('dialog', { name: 'Delete “settings/theme”?' });
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await expect.poll(() => statusIn(form)).toBe('Nothing was deleted.');
        expect((await gateway.api.get('/kv/settings%2Ftheme', { token })).status).toBe(200);
        await page.getByRole('button', { name: 'Delete entry' }).click();
        await dialog.getByRole('button', { name: 'Delete entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('Deleted “settings/theme”.');
        expect((await gateway.api.get('/kv/settings%2Ftheme', { token })).status).toBe(404);
        await expect.poll(() => page.locator('#kv-empty').textContent()).toBe('No key starts with “settings/”.');
        expect(problems).toEqual([]);
      }, 300_000);

      it('says what went wrong on a 502 page or a lost connection, and renews the token before it expires and after a 401', async () => {
        const { page, problems } = await open(viewport, { clock: true });
        await signUp(page, 'Hedy Lamarr');
        await page.getByRole('link', { name: 'Key-value' }).click();
        const form = page.locator('#kv-form');
        await page.getByLabel('Key', { exact: true }).fill('k');
        await page.getByLabel('Value (JSON)').fill('1');

        // A gateway's HTML error page, and a network failure: a message, no exception.
        await page.route(
          '**/kv/k',
          (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }),
          {
            times: 1,
          },
        );
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('The API is not answering properly right now (HTTP 502). Please try again in a moment.');
        expect(await page.getByRole('button', { name: 'Save entry' }).isEnabled()).toBe(true);
        await page.route('**/kv/k', (route) => route.abort('internetdisconnected'), { times: 1 });
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('The API could not be reached. Check your connection and try again.');
        await page.getByRole('button', { name: 'Save entry' }).click();
        await expect.poll(() => statusIn(form)).toBe('Created “k” (version 1).');

        // An access token the API no longer takes: renewed once, and the request sent again.
        const renewals: number[] = [];
        page.on('response', (r) => r.url().endsWith('/auth/token') && renewals.push(r.status()));
        const first = await page.locator('#token').inputValue();
        const expired = {
          status: 401,
          contentType: 'application/problem+json',
          body: JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'The access token is invalid or expired.' }),
        };
        await page.route('**/kv?*', (route) => route.fulfill(expired), { times: 1 });
        await page.getByRole('button', { name: 'Filter' }).click();
        await expect.poll(() => renewals).toEqual([200]);
        await expect.poll(() => page.locator('#kv-list tr').count()).toBe(1);
        expect(await statusIn(page.locator('#kv-list'))).toBe('');
        const second = await page.locator('#token').inputValue();
        expect(second).not.toBe(first);

        // Before expiry: renewed a minute early, without a request failing first.
        await page.clock.fastForward('14:10');
        await expect.poll(() => renewals).toEqual([200, 200]);
        await expect.poll(() => page.locator('#token').inputValue()).not.toBe(second);
        const third = await page.locator('#token').inputValue();
        expect((await gateway.api.get('/me', { token: third })).status).toBe(200);
        await page.getByRole('button', { name: 'Filter' }).click();
        await expect.poll(() => page.locator('#kv-list tr').count()).toBe(1);
        expect(await page.locator('#who').textContent()).toBe(`Signed in as Hedy Lamarr (${await page.locator('#credentials-email').inputValue()})`);

        // When the session itself has ended, the console says so and asks to sign in again.
        await gateway.api.post('/auth/logout', undefined, { token: third });
        await page.getByRole('button', { name: 'Filter' }).click();
        await expect.poll(() => page.locator('#who').textContent()).toBe('Not signed in');
        expect(await statusIn(page.locator('#login-form'))).toBe('Your session has ended. Please sign in again.');
        expect(problems).toEqual([]);
      }, 300_000);
    });
  }

  it('serves Swagger UI, whose "Try it out" works once the key and a token are entered', async () => {
    const account = await registerUser(gateway.api);
    const { page, problems } = await openPage(chromium.browser, gateway.api.baseUrl, VIEWPORTS[1], { path: '/docs' });
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
    ] as const) {
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
  }, 300_000);
});
