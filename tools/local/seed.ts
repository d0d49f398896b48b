/**
 * `npm run seed`: a demo dataset in the table `npm start` runs (start it first): an admin and a user
 * with known demo passwords, and the user's key-value entries, health records and payments. Everything
 * goes through the route schemas and the services, as the API would make it. Running it again adds
 * nothing: what is already there is left as it is.
 */
import { checkLocalTable, runLocalCommand, useLocalTable } from './local-table.ts';

const DEMO_ADMIN = { email: 'demo-admin@example.com', password: 'Demo-Admin-1!', name: 'Ada Admin' };
const DEMO_USER = { email: 'demo-user@example.com', password: 'Demo-User-1!', name: 'Uma User' };

await runLocalCommand(async () => {
  const { endpoint, tableName } = useLocalTable({ requireSecrets: true });
  await checkLocalTable(endpoint, tableName);
  // The data layer reads the environment on first use: the app's modules load only now.
  const { users } = await import('../../shared/db/users.ts');
  const { Conflict, PreconditionFailed } = await import('../../shared/errors.ts');
  const { createUserBody } = await import('../../shared/schemas/users.ts');
  const { createPaymentBody } = await import('../../shared/schemas/payments.ts');
  const { createRecordBody } = await import('../../shared/schemas/records.ts');
  const { createUser } = await import('../../shared/services/users.ts');
  const { putEntry } = await import('../../shared/services/kv.ts');
  const { createRecord } = await import('../../shared/services/records.ts');
  const { createPayment, listPayments } = await import('../../shared/services/payments.ts');

  let added = 0;
  /** Runs a write that is refused when its data is already there. */
  async function unlessThere(write: () => Promise<unknown>) {
    try {
      await write();
      added += 1;
    } catch (error) {
      if (!(error instanceof Conflict || error instanceof PreconditionFailed)) throw error;
    }
  }
  async function account(demo: typeof DEMO_USER, role: 'user' | 'admin') {
    const found = await users.findByEmail(demo.email);
    if (found) return found;
    added += 1;
    return createUser(createUserBody().parse({ ...demo, role }));
  }

  await account(DEMO_ADMIN, 'admin');
  const user = await account(DEMO_USER, 'user');
  const caller = { id: user.user_id, role: 'user' as const, sessionId: 'seed' };

  const entries = { 'settings/theme': { mode: 'dark' }, 'settings/language': 'en', 'notes/welcome': 'Hello from npm run seed' };
  for (const [key, value] of Object.entries(entries)) await unlessThere(() => putEntry(caller, key, JSON.stringify(value), { noneMatch: 'any' }));

  const records = [
    { name: 'Uma User', phone: '5550100001', dob: '1990-04-12', height: 168, weight: 61 },
    { name: 'Sam Sample', phone: '5550100002', dob: '1984-11-30', height: 181, weight: 77 },
  ];
  for (const record of records) await unlessThere(() => createRecord(caller, createRecordBody().parse(record)));

  // Payments have no natural key: they are made once, when the user has none.
  const payments = [
    { amount: 250, currency: 'INR', payment_method: 'Debit Card', card_no: '5555 5555 5555 4444', card_expiry: '12/35', card_cvc: '321' },
    {
      amount: '42.50',
      currency: 'USD',
      payment_method: 'Credit Card',
      card_no: '4111 1111 1111 1111',
      card_expiry: '06/34',
      card_cvc: '123',
      status: 'completed',
    },
    { amount: 1200, currency: 'EUR', payment_method: 'Prepaid Card', card_no: '4000 0566 5566 5556', card_expiry: '01/33', card_cvc: '987', status: 'failed' },
  ];
  if ((await listPayments(caller, { limit: 1 })).items.length === 0) {
    for (const payment of payments) await unlessThere(() => createPayment(caller, createPaymentBody().parse(payment)));
  }

  const consoleUrl = `http://localhost:${process.env.PORT ?? 3000}/`;
  process.stdout.write(
    [
      `Demo data in table ${tableName} (${added === 0 ? 'all there already' : `${added} added`}):`,
      `  Admin   ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`,
      `  User    ${DEMO_USER.email} / ${DEMO_USER.password}   with ${Object.keys(entries).length} key-value entries, ${records.length} health records, ${payments.length} payments`,
      `Sign in on the console (${consoleUrl}) with either. Known passwords: for a local table only.`,
      '',
    ].join('\n'),
  );
});
