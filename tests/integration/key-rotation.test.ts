/** After a master-key rotation, data written under the old key still reads and still counts. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { describeKeys, rotateKeys } from '../../tools/keys.ts';
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

describe('rotating keys with an overlap (npm run keys)', () => {
  async function crypto(secret: object) {
    vi.resetModules();
    process.env.APP_SECRET = JSON.stringify(secret);
    return {
      tokens: await import('../../shared/crypto/tokens.ts'),
      fields: await import('../../shared/crypto/field-cipher.ts'),
      cursors: await import('../../shared/crypto/cursor.ts'),
    };
  }
  const header = (token: string) => JSON.parse(Buffer.from(defined(token.split('.')[0], 'the JWT header'), 'base64url').toString());

  it('opens a token, a sealed field and a cursor of the old key after promote, and not after retire', async () => {
    const first = { keyId: '1', masterKey: randomBytes(32).toString('hex') };
    const old = await crypto(first);
    const claims = { sub: '3f0c1e9e-0000-4000-8000-000000000001', role: 'user' as const, sid: 's1' };
    const token = await old.tokens.signAccessToken(claims);
    expect(header(token).kid).toBe('1');
    const field = await old.fields.sealField('9876543210', 'user:1:phone');
    const cursor = defined(await old.cursors.sealCursor({ PK: 'USER#1' }, 'users.list'), 'a cursor');
    expect(cursor).toMatch(/^1-/);

    // Staged: the new key opens nothing yet made, signs nothing, and the old key's work still opens.
    const staged = rotateKeys(first, 'stage');
    expect(describeKeys(staged)).toBe('1\tactive\n2\tverifying (staged)');
    const stagedFns = await crypto(staged);
    expect(header(await stagedFns.tokens.signAccessToken(claims)).kid).toBe('1');
    expect(await stagedFns.tokens.verifyAccessToken(token)).toEqual(claims);

    // Promoted: new work under key 2; key 1's token, field and cursor still open.
    const promoted = rotateKeys(staged, 'promote');
    expect(describeKeys(promoted)).toBe('1\tverifying (retiring)\n2\tactive');
    const now = await crypto(promoted);
    const fresh = await now.tokens.signAccessToken(claims);
    expect(header(fresh).kid).toBe('2');
    expect((await now.fields.sealField('x', 'ctx')).split('.')[0]).toBe('2');
    expect(await now.tokens.verifyAccessToken(token)).toEqual(claims);
    expect(await now.fields.openField(field, 'user:1:phone')).toBe('9876543210');
    expect(await now.cursors.openCursor(cursor, 'users.list')).toEqual({ PK: 'USER#1' });
    // A function still on the staged secret (not yet restarted) believes the promoted functions' tokens: the overlap.
    expect(await stagedFns.tokens.verifyAccessToken(fresh)).toEqual(claims);

    // Retired: key 1's work no longer opens; key 2's does.
    const retired = rotateKeys(promoted, 'retire');
    expect(describeKeys(retired)).toBe('2\tactive');
    const after = await crypto(retired);
    await expect(after.tokens.verifyAccessToken(token)).rejects.toBeInstanceOf(after.tokens.InvalidToken);
    await expect(after.fields.openField(field, 'user:1:phone')).rejects.toThrow(/does not decrypt/);
    await expect(after.cursors.openCursor(cursor, 'users.list')).rejects.toMatchObject({ detail: expect.stringContaining('cursor') });
    expect(await after.tokens.verifyAccessToken(fresh)).toEqual(claims);

    expect(() => rotateKeys(retired, 'retire')).toThrow(/No key older/);
    expect(() => rotateKeys(retired, 'promote')).toThrow(/No staged key/);
    expect(() => rotateKeys(staged, 'stage')).toThrow(/staged already/);
  });

  it('edits .env.local from the command line, printing ids and statuses only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const file = join(dir, '.env.local');
    const material = randomBytes(32).toString('hex');
    writeFileSync(file, `# local\nAPP_SECRET='${JSON.stringify({ keyId: '1', masterKey: material })}'\nLOCAL_API_KEY='k'\n`);
    const run = (command: string) => execFileSync(process.execPath, ['--import', 'tsx', 'tools/keys.ts', command, '--file', file], { encoding: 'utf8' });
    expect(run('stage')).toBe('1\tactive\n2\tverifying (staged)\n');
    expect(run('promote')).toBe('1\tverifying (retiring)\n2\tactive\n');
    const out = run('show');
    expect(out).not.toContain(material);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain("LOCAL_API_KEY='k'");
    const secret = JSON.parse(defined(/^APP_SECRET='(.*)'$/m.exec(text)?.[1], 'the secret'));
    expect(secret.keys.map((k: { id: string; status: string }) => `${k.id}:${k.status}`)).toEqual(['1:verifying', '2:active']);
    expect(secret.keys[0].material).toBe(material);
  });
});
