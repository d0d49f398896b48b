/**
 * The idempotency record entity: an Idempotency-Key's claim and, once done, its result (Stripe's
 * semantics; the rules are in services/idempotency.ts).
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `USER#<user_id>`, `IDEMPOTENCY#<keyed hash of caller and key>`: the caller's partition (it holds their response) |
 * | entity | `idempotency` |
 * | request_hash | keyed hash of the parsed request (no CVC in it) |
 * | token | this claim's own token: a request whose claim was taken over can neither complete nor release the new one |
 * | state, locked_until | `in_flight` until the write that completes the request marks it `done` in the same transaction |
 * | result | the response (payments masked) |
 * | ttl | 24 hours |
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict } from '../errors.ts';
import { db, tableName } from './client.ts';
import { epochSeconds } from './table.ts';
import { userPartition } from './user-partition.ts';
import { conditionally, type Guarded, guard } from './writes.ts';

export const IDEMPOTENCY_SECONDS = 24 * 60 * 60;
/** A claim whose request died without completing can be taken over after this long. */
const LOCK_SECONDS = 30;

export const idempotencyKeys = {
  record: (userId: string, claimId: string) => ({ PK: userPartition(userId), SK: `IDEMPOTENCY#${claimId}` }),
};

/** A request with the key is running (or ran past its lock and was taken over by a retry): the client retries shortly. */
export class ClaimInFlight extends Conflict {
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly.', undefined, 1);
  }
}

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
            ...idempotencyKeys.record(userId, claimId),
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
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (claimed.written) return { outcome: 'claimed', token };
    const { current } = claimed;
    if (!current) return idempotency.claim(userId, claimId, requestHash); // expired and deleted meanwhile
    if (current.request_hash !== requestHash) return { outcome: 'mismatch' };
    if (current.state !== 'done') return { outcome: 'in_flight' };
    return { outcome: 'replay', result: current.result };
  },

  /** The transaction item that completes a claim; the transaction fails with ClaimInFlight if the claim is no longer this one. */
  completion(userId: string, claimId: string, token: string, result: unknown): Guarded {
    return guard(
      {
        Update: {
          TableName: tableName(),
          Key: idempotencyKeys.record(userId, claimId),
          UpdateExpression: 'SET #state = :done, #result = :result',
          ConditionExpression: '#state = :inFlight AND #token = :token',
          ExpressionAttributeNames: { '#state': 'state', '#result': 'result', '#token': 'token' },
          ExpressionAttributeValues: { ':done': 'done', ':inFlight': 'in_flight', ':token': token, ':result': result },
        },
      },
      () => new ClaimInFlight(),
    );
  },

  /** Frees a claim whose request failed, so the client can retry with the same key; a claim taken over stays. */
  async release(userId: string, claimId: string, token: string): Promise<void> {
    await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: idempotencyKeys.record(userId, claimId),
          ConditionExpression: '#state = :inFlight AND #token = :token',
          ExpressionAttributeNames: { '#state': 'state', '#token': 'token' },
          ExpressionAttributeValues: { ':inFlight': 'in_flight', ':token': token },
        }),
      ),
    );
  },
};
