/// <reference lib="dom" />
/**
 * The console's records, payments and (for administrators) users views in a real Chromium against the
 * local gateway, at phone and desktop width, with axe-core on every view. (The docs' screenshots:
 * console-polish.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, signInAdmin, uniqueEmail } from '../support/accounts.ts';
import { useGateway } from '../support/api.ts';
import { ARTIFACTS, expectAccessible, hasChromium, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { consoleHelpers } from '../support/console.ts';
import { nextCode } from '../support/totp.ts';

const card = { payment_method: 'Credit Card', card_no: '5555 5555 5555 4444', card_expiry: '12/30', card_cvc: '321' };

describe.skipIf(!hasChromium)('the console in Chromium', () => {
  const gateway = useGateway();
  const chromium = useBrowser();
  const { open, signUp, signIn, statusIn, focused } = consoleHelpers(gateway, chromium);

  // Each flow below has a budget of 5 minutes: dozens of steps, each waiting for the API (and a
  // function's cold start), take minutes on a busy machine. It catches a flow that hangs.
  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.name} width`, () => {
      it('creates, lists, opens, looks up and deletes health records', async () => {
        const { page, problems } = await open(viewport);
        await signUp(page, 'John Doe');
        await page.getByRole('link', { name: 'Records' }).click();
        await expect.poll(() => focused(page)).toBe('H1:Health records');
        await expect.poll(() => page.locator('#records-empty').isVisible()).toBe(true);
        await expectAccessible(page);

        const form = page.locator('#record-form');
        await form.getByLabel('Name').fill('John Doe');
        await form.getByLabel('Phone (10 digits)').fill('123');
        await form.getByLabel('Date of birth').fill('1990-01-01');
        await form.getByLabel('Height (cm)').fill('500');
        await form.getByLabel('Weight (kg)').fill('70');
        await page.getByRole('button', { name: 'Create record' }).click();
        await expect.poll(() => page.locator('#record-phone-error').textContent()).toBe('Phone must be exactly 10 digits.');
        expect(await page.locator('#record-height-error').textContent()).toBe('Must be at most 280 cm.');
        expect(await statusIn(form)).toBe('Please correct the marked fields.');
        expect(await focused(page)).toBe('record-phone');

        const phone = `7${String(Date.now()).slice(-9)}`;
        await form.getByLabel('Phone (10 digits)').fill(phone);
        await form.getByLabel('Height (cm)').fill('175');
        await page.getByRole('button', { name: 'Create record' }).click();
        await expect.poll(() => focused(page)).toBe('P:Record created for John Doe.');
        expect(await page.locator('#record-heading').textContent()).toBe('Record of John Doe');
        expect(await page.locator('#record-detail').textContent()).toContain('175 cm');
        expect(await page.locator('#records-list tr').count()).toBe(1);
        expect(await form.getByLabel('Name').inputValue()).toBe('');

        // Look up by phone: found, and not found.
        const lookup = page.locator('#lookup-form');
        await lookup.getByLabel('Phone (10 digits)').fill(phone);
        await page.getByRole('button', { name: 'Look up' }).click();
        await expect.poll(() => statusIn(lookup)).toBe('Found one record of this phone.');
        await page.getByRole('link', { name: 'John Doe, born 1990-01-01' }).click();
        await expect.poll(() => focused(page)).toBe('H2:Record of John Doe');
        await lookup.getByLabel('Phone (10 digits)').fill('1231231234');
        await page.getByRole('button', { name: 'Look up' }).click();
        await expect.poll(() => statusIn(lookup)).toBe('No record of this phone.');
        await page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-4-records.png`, fullPage: true });

        // Deleting asks first.
        const detail = page.locator('#record-detail');
        await page.getByRole('button', { name: 'Delete record' }).click();
        const dialog = page.getByRole('dialog', { name: 'Delete the record of John Doe?' });
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await expect.poll(() => statusIn(detail)).toBe('Nothing was deleted.');
        await page.getByRole('button', { name: 'Delete record' }).click();
        await dialog.getByRole('button', { name: 'Delete record' }).click();
        await expect.poll(() => statusIn(detail)).toBe('Deleted the record of John Doe.');
        await expect.poll(() => page.locator('#records-empty').isVisible()).toBe(true);
        expect(problems).toEqual([]);
      }, 300_000);

      it('creates a payment once on two clicks, lists and pages, opens it, moves its status forward, deletes a pending one', async () => {
        const { page, problems } = await open(viewport);
        const { token } = await signUp(page, 'Ada Payer');
        await page.getByRole('link', { name: 'Payments' }).click();
        await expect.poll(() => focused(page)).toBe('H1:Payments');
        await expect.poll(() => page.locator('#payments-empty').isVisible()).toBe(true);
        await expectAccessible(page);

        // Every wrong field said in plain words, next to it.
        const form = page.locator('#payment-form');
        await form.getByLabel('Amount').fill('twelve');
        await form.getByLabel('Card number').fill('4111 1111 1111 1112');
        await form.getByLabel('Expiry (MM/YY)').fill('01/20');
        await form.getByLabel('CVC').fill('12');
        await page.getByRole('button', { name: 'Create payment' }).click();
        await expect.poll(() => page.locator('#new-card-error').textContent()).toBe('Card number fails the Luhn check.');
        expect(await page.locator('#new-amount-error').textContent()).toBe('Amount must be a positive decimal number.');
        expect(await page.locator('#new-expiry-error').textContent()).toBe('The card has expired.');
        expect(await page.locator('#new-cvc-error').textContent()).toBe('CVC must be 3 digits (4 for American Express).');
        expect(await form.textContent()).not.toMatch(/Invalid input|expected/);

        await form.getByLabel('Amount').fill('12.50');
        await form.getByLabel('Currency').fill('eur');
        await form.getByLabel('Card number').fill('4111 1111 1111 1111');
        await form.getByLabel('Expiry (MM/YY)').fill('12/30');
        await form.getByLabel('CVC').fill('123');
        await form.getByLabel('Description (optional)').fill('Analytical engine parts');
        const creates: string[] = [];
        page.on('request', (r) => r.url().endsWith('/payments') && r.method() === 'POST' && creates.push(r.url()));
        // Two clicks in a row (as a double click on a button that stays put): the second finds it busy.
        await page.getByRole('button', { name: 'Create payment' }).evaluate((button: HTMLButtonElement) => {
          button.click();
          button.click();
        });
        await expect.poll(() => focused(page)).toBe('P:Payment of EUR 12.50 created (pending).');
        expect(creates).toHaveLength(1);
        expect(await page.locator('#payment-heading').textContent()).toBe('Payment of EUR\u00a012.50');
        expect(await page.locator('#payment-detail').textContent()).toContain('XXXX-XXXX-XXXX-1111 (visa)');
        expect(await page.locator('#payments-list tr').count()).toBe(1);
        expect((await gateway.api.get('/payments', { token })).body.items).toHaveLength(1);

        // Status moves forward only: the choices say so.
        const edit = page.locator('#payment-edit');
        const choices = () => edit.getByLabel('Status').locator('option').allTextContents();
        expect(await choices()).toEqual(['pending', 'completed', 'failed']);
        await edit.getByLabel('Status').selectOption('completed');
        await page.getByRole('button', { name: 'Save payment' }).click();
        await expect.poll(() => statusIn(edit)).toBe('Payment saved: it is now completed.');
        expect(await choices()).toEqual(['completed', 'refunded']);
        expect(await edit.getByLabel('Amount').isEditable()).toBe(false);
        expect(await page.getByRole('button', { name: 'Delete payment' }).isHidden()).toBe(true);
        await expect.poll(() => page.locator('#payments-list').textContent()).toContain('completed');
        await edit.getByLabel('Status').selectOption('refunded');
        await page.getByRole('button', { name: 'Save payment' }).click();
        await expect.poll(() => statusIn(edit)).toBe('Payment saved: it is now refunded.');
        expect(await edit.getByLabel('Status').isDisabled()).toBe(true);

        // A pending one can be deleted, once confirmed.
        const pending = await gateway.api.post('/payments', { amount: 3, currency: 'USD', ...card }, { token });
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.getByRole('link', { name: 'USD 3.00' }).click();
        await expect.poll(() => focused(page)).toBe('H2:Payment of USD 3.00');
        await edit.getByLabel('Description').fill('Changed my mind');
        await page.getByRole('button', { name: 'Save payment' }).click();
        await expect.poll(() => statusIn(edit)).toBe('Payment saved.');
        await page.getByRole('button', { name: 'Delete payment' }).click();
        const dialog = page.getByRole('dialog', { name: 'Delete the payment of USD 3.00?' });
        await expectAccessible(page);
        await dialog.getByRole('button', { name: 'Delete payment' }).click();
        await expect.poll(() => statusIn(page.locator('#payment-detail'))).toBe('Deleted the payment of USD 3.00.');
        expect((await gateway.api.get(`/payments/${pending.body.payment_id}`, { token })).status).toBe(404);

        // Paging through the list.
        for (let i = 1; i <= 21; i++) await gateway.api.post('/payments', { amount: i, currency: 'USD', ...card }, { token });
        await page.getByRole('button', { name: 'Refresh' }).click();
        await expect.poll(() => page.locator('#payments-list tr').count()).toBe(20);
        await page.getByRole('button', { name: 'Show more payments' }).click();
        await expect.poll(() => page.locator('#payments-list tr').count()).toBe(22);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await page.getByRole('link', { name: 'EUR 12.50' }).click();
        await expect.poll(() => focused(page)).toBe('H2:Payment of EUR 12.50');
        await page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-5-payments.png`, fullPage: true });
        expect(problems).toEqual([]);
      }, 300_000);

      it('lets an administrator find, open, edit, create and delete users; others see no Users view', async () => {
        const admin = await signInAdmin(gateway.api);
        const managed = await registerUser(gateway.api, { name: 'Managed Person', phone: '5550001111', country: 'Peru' });
        const { page, problems } = await open(viewport);
        await signIn(page, admin.email, { totpSecret: admin.totpSecret });
        await page.getByRole('link', { name: 'Users' }).click();
        await expect.poll(() => focused(page)).toBe('H1:Users');
        await expect.poll(() => page.locator('#users-list tr').count()).toBeGreaterThan(1);
        await expectAccessible(page);

        await page.getByLabel('Find by exact email').fill(managed.email);
        await page.getByRole('button', { name: 'Find' }).click();
        await expect.poll(() => page.locator('#users-list tr').count()).toBe(1);
        await page.getByRole('link', { name: 'Managed Person' }).click();
        await expect.poll(() => focused(page)).toBe('H2:Managed Person');
        const edit = page.locator('#user-edit');
        expect(await edit.getByLabel('Phone').inputValue()).toBe('5550001111');
        await edit.getByLabel('Phone').fill('');
        await edit.getByLabel('Country').fill('Chile');
        await edit.getByLabel('Role').selectOption('admin');
        await page.getByRole('button', { name: 'Save user' }).click();
        // Making an administrator asks who is there: here with a code from the admin's authenticator.
        const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
        await stepUp.waitFor();
        expect(await page.locator('#step-up-text').textContent()).toContain('Enter your current password or a code from your authenticator app.');
        await stepUp.getByRole('button', { name: 'Use a code from your authenticator app' }).click();
        expect(await focused(page)).toBe('step-up-code');
        await page.locator('#step-up-code').fill(await nextCode(admin.totpSecret as string));
        await stepUp.getByRole('button', { name: 'Save Managed Person' }).click();
        await expect.poll(() => statusIn(edit)).toBe('Saved Managed Person.');
        const saved = await gateway.api.get(`/users/${managed.id}`, { token: admin.token });
        expect(saved.body).toMatchObject({ country: 'Chile', role: 'admin' });
        expect(saved.body).not.toHaveProperty('phone');
        expect((await gateway.api.get('/me', { token: managed.token })).status).toBe(401); // a new role ends their sessions

        // Create an administrator (which asks who is there), then delete them once confirmed (and asked again).
        const create = page.locator('#user-form');
        const email = uniqueEmail('created');
        await create.getByLabel('Name').fill('New Person');
        await create.getByLabel('Email').fill(email);
        await create.getByLabel('Role').selectOption('admin');
        await page.getByRole('button', { name: 'Create user' }).click();
        await stepUp.waitFor();
        expect(await page.locator('#step-up-text').textContent()).toMatch(
          /^Creating an administrator, or an account with a password you chose, needs your confirmation\./,
        );
        await page.locator('#step-up-password').fill(PASSWORD);
        await stepUp.getByRole('button', { name: 'Create user' }).click();
        await expect.poll(() => focused(page)).toBe('P:Created New Person.');
        expect(await page.locator('#user-heading').textContent()).toBe('New Person');
        await page.getByRole('button', { name: 'Delete user' }).click();
        await page.getByRole('dialog', { name: 'Delete New Person?' }).getByRole('button', { name: 'Delete user' }).click();
        await stepUp.waitFor();
        await expectAccessible(page);
        await page.locator('#step-up-password').fill(PASSWORD);
        await stepUp.getByRole('button', { name: 'Delete user' }).click();
        await expect.poll(() => statusIn(page.locator('#user-meta'))).toBe(`Deleted New Person (${email}).`);
        expect((await gateway.api.get(`/users?email=${encodeURIComponent(email)}`, { token: admin.token })).body.items).toEqual([]);

        // Their own entry: no deleting it here.
        await page.getByRole('button', { name: 'Show all' }).click();
        await page.getByRole('link', { name: 'Admin' }).first().click();
        await expect.poll(() => page.locator('#user-meta').textContent()).toContain('This is you');
        expect(await page.getByRole('button', { name: 'Delete user' }).isHidden()).toBe(true);
        await page.screenshot({ path: `${ARTIFACTS}/console-${viewport.name}-6-users.png`, fullPage: true });

        // A user who is not an administrator has no Users view, even by its address.
        const { page: userPage } = await open(viewport);
        await signUp(userPage, 'Plain User');
        expect(await userPage.getByRole('link', { name: 'Users' }).isHidden()).toBe(true);
        await userPage.evaluate(() => {
          location.hash = '#/users';
        });
        await expect.poll(() => userPage.locator('#view-users').isHidden()).toBe(true);
        expect(await userPage.locator('#view-profile').isVisible()).toBe(true);
        expect(problems).toEqual([]);
      }, 300_000);
    });
  }
});
