/** GET /me/export answers within Lambda's 6 MB response limit, or a 409 that says where to read instead. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { users } from '../../shared/db/users.ts';
import { Conflict } from '../../shared/errors.ts';
import { putEntry } from '../../shared/services/kv.ts';
import { EXPORT_MAX_BYTES, exportAccount } from '../../shared/services/privacy.ts';

describe('the export', () => {
  it('is refused with a Conflict naming the paged routes when its answer, as Lambda carries it, would pass the bound', async () => {
    expect(EXPORT_MAX_BYTES).toBeLessThan(6 * 1024 * 1024);
    const user = await users.create({ name: 'Heavy', email: `heavy-${randomBytes(4).toString('hex')}@example.com`, role: 'user' });
    const caller = { id: user.user_id, role: 'user' as const, sessionId: 's' };
    // Quotes count twice as the answer travels inside Lambda's JSON: 30 entries of 60 quotes each.
    for (let i = 0; i < 30; i++) await putEntry(caller, `k${i}`, JSON.stringify('"'.repeat(60)), {});
    const whole = await exportAccount(caller);
    expect(whole.key_value).toHaveLength(30);
    const size = Buffer.byteLength(JSON.stringify(JSON.stringify(whole)));
    await expect(exportAccount(caller, size + 100)).resolves.toMatchObject({ profile: { user_id: user.user_id } });
    const refused = await exportAccount(caller, size - 100).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Conflict);
    expect((refused as Conflict).detail).toMatch(/page by page from \/me, \/kv, \/payments, \/records and \/me\/sessions/);
  });
});
