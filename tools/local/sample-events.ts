/**
 * The sample events in `events/` are real REST v1 proxy events with placeholders where a value only
 * exists at run time: {{API_KEY}}, {{ADMIN_TOKEN}}, {{USER_ID}}, {{USER_TOKEN}}, {{USER_EMAIL}},
 * {{USER_PASSWORD}}, {{REFRESH_TOKEN}} and {{SESSION_ID}} (its session), {{PAYMENT_ID}} (a pending payment of the user), {{RECORD_ID}} and
 * {{RECORD_PHONE}} (a record of the user), {{NEW_PHONE}} (a phone without one), {{UNIQUE}}. The user owns the
 * key-value entry `settings/theme`. `fillSampleEvent` makes a fresh sample user and
 * admin session to fill them, so every sample runs as it is against any table.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { hashPassword } from '../../shared/crypto/passwords.ts';
import { signAccessToken } from '../../shared/crypto/tokens.ts';
import { sessions } from '../../shared/db/sessions.ts';
import { users } from '../../shared/db/users.ts';
import { createPaymentBody } from '../../shared/schemas/payments.ts';
import { putEntry } from '../../shared/services/kv.ts';
import { createPayment } from '../../shared/services/payments.ts';
import { createRecord } from '../../shared/services/records.ts';
import { generatePassword } from './env-file.ts';

async function signIn(userId: string, role: 'user' | 'admin') {
  const session = await sessions.start(userId, role);
  return { token: await signAccessToken({ sub: userId, role, sid: session.sessionId }), refreshToken: session.refreshToken, sessionId: session.sessionId };
}

export async function samplePlaceholders(apiKey: string): Promise<Record<string, string>> {
  const unique = randomUUID().slice(0, 8);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await users.create({ email: `sample-${unique}@example.com`, name: 'Sample User', role: 'user' }, passwordHash);
  const admin = await users.create({ email: `sample-admin-${unique}@example.com`, name: 'Sample Admin', role: 'admin' }, passwordHash);
  const userSession = await signIn(user.user_id, 'user');
  const caller = { id: user.user_id, role: 'user' as const, sessionId: 'sample' };
  const payment = await createPayment(
    caller,
    createPaymentBody().parse({
      amount: 250,
      currency: 'INR',
      payment_method: 'Debit Card',
      card_no: '5555 5555 5555 4444',
      card_expiry: '12/30',
      card_cvc: '321',
      status: 'pending',
    }),
  );
  await putEntry(caller, 'settings/theme', '{"mode":"light"}', {});
  const randomPhone = () => String(Math.floor(Math.random() * 9e9) + 1e9);
  const recordPhone = randomPhone();
  const record = await createRecord(caller, { name: 'Sample Patient', phone: recordPhone, dob: '1985-06-15', height: 168, weight: 61 });
  return {
    RECORD_ID: record.record_id,
    RECORD_PHONE: recordPhone,
    NEW_PHONE: randomPhone(),
    PAYMENT_ID: payment.result.payment_id,
    API_KEY: apiKey,
    ADMIN_TOKEN: (await signIn(admin.user_id, 'admin')).token,
    USER_ID: user.user_id,
    USER_TOKEN: userSession.token,
    USER_EMAIL: user.email,
    USER_PASSWORD: password,
    REFRESH_TOKEN: userSession.refreshToken,
    SESSION_ID: userSession.sessionId,
    UNIQUE: unique,
  };
}

export function fillSampleEvent(file: string, values: Record<string, string>): APIGatewayProxyEvent {
  const text = readFileSync(file, 'utf8').replace(/\{\{(\w+)\}\}/g, (match, name) => {
    if (!(name in values)) throw new Error(`${file}: no value for ${match}`);
    return JSON.stringify(values[name]).slice(1, -1); // JSON-escaped, since the event is JSON text
  });
  return JSON.parse(text);
}
