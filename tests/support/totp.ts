/** TOTP codes computed in the test, as an authenticator app would, each for a time step not used before. */
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { PASSWORD } from './accounts.ts';
import type { Api } from './api.ts';

const PERIOD = 30;
const lastUsed = new Map<string, number>();
const step = () => Math.floor(Date.now() / 1000 / PERIOD);

/**
 * A code the server accepts now (one step either side) for a step this secret has not used yet: the
 * current step or the next one (so it stays valid for 30 s at least, however busy the machine: the
 * previous step's code expires at the next boundary); waits for the clock if both are used.
 */
export async function nextCode(secret: string): Promise<string> {
  const wanted = Math.max((lastUsed.get(secret) ?? -Infinity) + 1, step());
  await expect.poll(step, { timeout: 65_000, interval: 500 }).toBeGreaterThanOrEqual(wanted - 1);
  lastUsed.set(secret, wanted);
  return codeAtStep(secret, wanted);
}

export const codeAtStep = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: PERIOD, algorithm: 'SHA1' }).generate({ timestamp: at * PERIOD * 1000 });

/** A wrong code: the right one for a step far away. */
export const wrongCode = (secret: string) => codeAtStep(secret, step() - 100);

/** Turns an authenticator on for a signed-in account; returns its secret and recovery codes. */
export async function enrolTotp(api: Api, token: string, password = PASSWORD): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await api.post('/me/totp', { current_password: password }, { token });
  expect(started.status, started.text).toBe(200);
  const secret = started.body.secret as string;
  const confirmed = await api.post('/me/totp/confirm', { code: await nextCode(secret) }, { token });
  expect(confirmed.status, confirmed.text).toBe(200);
  return { secret, recoveryCodes: confirmed.body.recovery_codes };
}
