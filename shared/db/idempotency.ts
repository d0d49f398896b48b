/**
 * Idempotency keys (Stripe's semantics). A claim item records the request's hash while the first
 * request runs; the write that completes the request marks it done, with its result, in the same
 * transaction, so a stored key always matches what was written. Claims expire after 24 hours.
 * Each claim carries a token of its own: a request whose claim was taken over (it ran past the lock)
 * can neither complete nor release the claim that replaced it.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client.ts';
import { getItem } from './get-item.ts';
import { epochSeconds, keys } from './keys.ts';
import { conditionally, type Guarded, guard } from './writes.ts';

export const IDEMPOTENCY_SECONDS = 24 * 60 * 60;
/** A claim whose request died without completing can be taken over after this long. */
const LOCK_SECONDS = 30;

/** The claim was taken over by a retry of the same request while this one ran past its lock. */
export class ClaimLost extends Error {}

export type ClaimResult = { outcome: 'claimed'; token: string } | { outcome: 'replay'; result: unknown } | { outcome: 'in_flight' } | { outcome: 'mismatch' };

export const idempotency = {
  async claim(userId: string, claimId: string, requestHash: string): Promise<ClaimResult> {
    const now = epochSeconds();
    const token = randomUUID();
    const claimed = await conditionally(() =>
      db.send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...keys.idempotency(userId, claimId),
            entity: 'idempotency',
            request_hash: requestHash,
            token,
            state: 'in_flight',
            locked_until: now + LOCK_SECONDS,
            ttl: now + IDEMPOTENCY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now OR (#state = :inFlight AND locked_until < :now AND request_hash = :hash)',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#state': 'state' },
          ExpressionAttributeValues: { ':now': now, ':inFlight': 'in_flight', ':hash': requestHash },
        }),
      ),
    );
    if (claimed) return { outcome: 'claimed', token };
    const claim = await getItem(keys.idempotency(userId, claimId));
    if (!claim) return idempotency.claim(userId, claimId, requestHash); // expired and deleted meanwhile
    if (claim.request_hash !== requestHash) return { outcome: 'mismatch' };
    if (claim.state !== 'done') return { outcome: 'in_flight' };
    return { outcome: 'replay', result: claim.result };
  },

  /** The transaction item that completes a claim; the transaction fails with ClaimLost if the claim is no longer this one. */
  completion(userId: string, claimId: string, token: string, result: unknown): Guarded {
    return guard(
      {
        Update: {
          TableName: tableName(),
          Key: keys.idempotency(userId, claimId),
          UpdateExpression: 'SET #state = :done, #result = :result',
          ConditionExpression: '#state = :inFlight AND #token = :token',
          ExpressionAttributeNames: { '#state': 'state', '#result': 'result', '#token': 'token' },
          ExpressionAttributeValues: { ':done': 'done', ':inFlight': 'in_flight', ':token': token, ':result': result },
        },
      },
      () => new ClaimLost(),
    );
  },

  /** Frees a claim whose request failed, so the client can retry with the same key; a claim taken over stays. */
  async release(userId: string, claimId: string, token: string): Promise<void> {
    await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: keys.idempotency(userId, claimId),
          ConditionExpression: '#state = :inFlight AND #token = :token',
          ExpressionAttributeNames: { '#state': 'state', '#token': 'token' },
          ExpressionAttributeValues: { ':inFlight': 'in_flight', ':token': token },
        }),
      ),
    );
  },
};
