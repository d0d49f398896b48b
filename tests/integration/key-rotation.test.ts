/** After a master-key rotation, data written under the old key still reads and still counts. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

async function freshModules(secret: object) {
  vi.resetModules();
  process.env.APP_SECRET = JSON.stringify(secret);
  const records = await import('../../shared/services/records.ts');
  const { users } = await import('../../shared/db/users.ts');
  return { records, users };
}

describe('key rotation', () => {
  it('finds phone records and decrypts phones written under a retired key', async () => {
    const oldKey = { keyId: '1', masterKey: randomBytes(32).toString('hex') };
    const newKey = { keyId: '2', masterKey: randomBytes(32).toString('hex'), retiredKeys: { '1': oldKey.masterKey } };
    const caller = { id: 'x', role: 'user' as const, sessionId: 's' };
    const phone = '9000000001';

    const before = await freshModules(oldKey);
    const created = await before.records.createRecord(caller, { name: 'Old', phone, dob: '1980-01-01', height: 170, weight: 70 });
    const email = `rot-${Date.now()}@example.com`;
    const user = await before.users.create({ name: 'Rotated', email, phone: '+15550100', role: 'user' });

    const after = await freshModules(newKey);
    expect((await after.records.lookupRecord(caller, phone)).record_id).toBe((created.body as { record_id: string }).record_id);
    await expect(after.records.createRecord(caller, { name: 'Dup', phone, dob: '1980-01-01', height: 170, weight: 70 })).rejects.toMatchObject({ status: 409 });
    expect((await after.users.get(user.user_id))!.phone).toBe('+15550100');
    expect((await after.users.findByEmail(email.toUpperCase()))?.user_id).toBe(user.user_id); // sign-in still finds them
    await expect(after.users.create({ name: 'Copy', email, role: 'user' })).rejects.toMatchObject({ field: 'email' });
    const fresh = await after.records.createRecord(caller, { name: 'New', phone: '9000000002', dob: '1980-01-01', height: 170, weight: 70 });
    expect(fresh.body).toMatchObject({ name: 'New' });

    // Without the retired key the old data is unreadable: the retired key is what keeps it alive.
    const lost = await freshModules({ keyId: '2', masterKey: newKey.masterKey });
    await expect(lost.records.lookupRecord(caller, phone)).rejects.toMatchObject({ status: 404 });
    await expect(lost.users.get(user.user_id)).rejects.toThrow(/does not decrypt/);
  });
});
