/** After a master-key rotation, data written under the old key still reads and still counts. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { defined } from '../../tools/values.ts';

async function freshModules(secret: object) {
  vi.resetModules();
  process.env.APP_SECRET = JSON.stringify(secret);
  const records = await import('../../shared/services/records.ts');
  const { users } = await import('../../shared/db/users.ts');
  return { records, users };
}

const patient = (name: string, phone: string) => ({ name, phone, dob: '1980-01-01', height: 170, weight: 70 });
const page = { limit: 20 };

describe('key rotation', () => {
  it('finds phone records and decrypts phones written under a retired key', async () => {
    const oldKey = { keyId: '1', masterKey: randomBytes(32).toString('hex') };
    const newKey = { keyId: '2', masterKey: randomBytes(32).toString('hex'), retiredKeys: { '1': oldKey.masterKey } };
    const phone = '9000000001';

    const before = await freshModules(oldKey);
    const account = async (role: 'user' | 'admin') => {
      const user = await before.users.create({ name: 'Rotated', email: `rot-${randomBytes(4).toString('hex')}@example.com`, phone: '+15550100', role });
      return { user, caller: { id: user.user_id, role, sessionId: 's' } };
    };
    const [{ user, caller }, { caller: other }, { caller: admin }] = [await account('user'), await account('user'), await account('admin')];
    const created = await before.records.createRecord(caller, patient('Old', phone));

    const after = await freshModules(newKey);
    // The owner's lookup still finds their record, and it still counts as theirs: no second one.
    expect((await after.records.lookupRecords(caller, phone, page)).items).toEqual([expect.objectContaining({ record_id: created.record_id, name: 'Old' })]);
    await expect(after.records.createRecord(caller, patient('Dup', phone))).rejects.toMatchObject({ detail: 'You already have a record for this phone.' });
    // Another owner's record of the same phone, under the new key; an admin finds both.
    const theirs = await after.records.createRecord(other, patient('New', phone));
    const seen = await after.records.lookupRecords(admin, phone, page);
    expect(seen.items.map((r) => r.record_id).sort()).toEqual([created.record_id, theirs.record_id].sort());
    expect((await after.records.lookupRecords(admin, phone, { limit: 1 })).next_cursor).toEqual(expect.any(String));
    expect((await after.records.getRecord(caller, created.record_id)).name).toBe('Old');
    expect((await after.records.lookupRecords(other, phone, page)).items).toEqual([expect.objectContaining({ record_id: theirs.record_id })]);

    expect(defined(await after.users.get(user.user_id), 'the user after the rotation').phone).toBe('+15550100');
    expect((await after.users.findByEmail(user.email.toUpperCase()))?.user_id).toBe(user.user_id); // sign-in still finds them
    await expect(after.users.create({ name: 'Copy', email: user.email, role: 'user' })).rejects.toMatchObject({ field: 'email' });

    // Without the retired key the old data is unreadable: the retired key is what keeps it alive.
    const lost = await freshModules({ keyId: '2', masterKey: newKey.masterKey });
    expect((await lost.records.lookupRecords(caller, phone, page)).items).toEqual([]);
    await expect(lost.users.get(user.user_id)).rejects.toThrow(/does not decrypt/);

    // The owner deletes their old record by phone, with the retired key back in place.
    const restored = await freshModules(newKey);
    await restored.records.deleteRecordsByPhone(caller, phone);
    expect((await restored.records.lookupRecords(caller, phone, page)).items).toEqual([]);
    expect((await restored.records.lookupRecords(admin, phone, page)).items).toEqual([expect.objectContaining({ record_id: theirs.record_id })]);
  });
});
