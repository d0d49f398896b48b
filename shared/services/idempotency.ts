/**
 * `Idempotency-Key` handling, Stripe's semantics: same key and same body → the first result again
 * (for 24 hours); same key, different body → 422; while the first request runs → 409. Keys are scoped
 * to the caller and stored only as keyed hashes, as is the request.
 */

import { keyedHash } from '../crypto/hash.ts';
import { ClaimInFlight, idempotency } from '../db/idempotency.ts';
import type { Guarded } from '../db/writes.ts';
import type { Caller } from '../domain/user.ts';
import { InvalidInput, Unprocessable } from '../errors.ts';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * Runs `run` once per key: `run` gets a function that turns its result into the transaction item
 * recording it, so the result and its record commit together. A replay answers the recorded result.
 */
export async function idempotent<T>(
  caller: Caller,
  key: string | undefined,
  request: unknown,
  run: (record: (result: T) => Guarded[]) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (key === undefined) return { result: await run(() => []), replayed: false };
  if (!KEY_FORMAT.test(key)) {
    throw new InvalidInput('Idempotency-Key must be 1-255 visible ASCII characters.', [{ path: 'headers.idempotency-key', message: 'Invalid key' }]);
  }
  const claimId = await keyedHash('idempotency', `${caller.id}:${key}`);
  const requestHash = await keyedHash('idempotency-request', JSON.stringify(request));
  const claim = await idempotency.claim(caller.id, claimId, requestHash);
  if (claim.outcome === 'mismatch') throw new Unprocessable('This Idempotency-Key was used with a different request body.');
  if (claim.outcome === 'in_flight') throw new ClaimInFlight();
  if (claim.outcome === 'replay') return { result: claim.result as T, replayed: true };
  try {
    return { result: await run((result) => [idempotency.completion(caller.id, claimId, claim.token, result)]), replayed: false };
  } catch (error) {
    await idempotency.release(caller.id, claimId, claim.token); // a claim taken over (ClaimInFlight) stays
    throw error;
  }
}
