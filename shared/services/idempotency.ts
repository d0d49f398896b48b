/**
 * `Idempotency-Key` handling, Stripe's semantics: same key and same body → the first response again
 * (for 24 hours); same key, different body → 422; while the first request runs → 409. Keys are scoped
 * to the caller and stored only as keyed hashes, as is the request.
 */
import { keyedHash } from '../crypto/hash.ts';
import { idempotency, type StoredResponse } from '../db/idempotency.ts';
import type { TransactItems } from '../db/transact.ts';
import type { Caller } from '../http/auth.ts';
import { Reply } from '../http/handler.ts';
import { badRequest, HttpProblem } from '../http/problem.ts';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** `run` gets a function that turns its reply into the transaction item recording it. */
export async function idempotent(
  caller: Caller,
  key: string | undefined,
  request: unknown,
  run: (record: (reply: Reply) => TransactItems) => Promise<Reply>,
): Promise<Reply> {
  if (key === undefined) return run(() => []);
  if (!KEY_FORMAT.test(key)) {
    throw badRequest('Idempotency-Key must be 1-255 visible ASCII characters.', [{ path: 'headers.idempotency-key', message: 'Invalid key' }]);
  }
  const claimId = await keyedHash('idempotency', `${caller.id}:${key}`);
  const requestHash = await keyedHash('idempotency-request', JSON.stringify(request));
  const claim = await idempotency.claim(caller.id, claimId, requestHash);
  if (claim.outcome === 'mismatch') throw new HttpProblem(422, 'This Idempotency-Key was used with a different request body.');
  if (claim.outcome === 'in_flight') {
    throw new HttpProblem(409, 'A request with this Idempotency-Key is still being processed; retry shortly.', undefined, { 'retry-after': '1' });
  }
  if (claim.outcome === 'replay') {
    const { status, body, headers } = claim.response;
    return new Reply(body, { status, headers: { ...headers, 'idempotent-replayed': 'true' } });
  }
  try {
    return await run((reply) => [idempotency.completion(caller.id, claimId, requestHash, toStored(reply))]);
  } catch (error) {
    await idempotency.release(caller.id, claimId);
    throw error;
  }
}

const toStored = (reply: Reply): StoredResponse => ({
  status: reply.options.status ?? 200,
  body: reply.body,
  headers: reply.options.headers ?? {},
});
