/** What a signed-in owner may read of their second factors (services/factors.ts changes them; kept apart so reading carries no TOTP or WebAuthn library). */
import { recoveryCodes, totps } from '../db/factors.ts';
import type { Caller } from '../domain/user.ts';

export async function totpStatus(caller: Caller) {
  const [enabled, left] = await Promise.all([totps.isActive(caller.id), recoveryCodes.remaining(caller.id)]);
  return { enabled, recovery_codes_left: enabled ? left : 0 };
}
