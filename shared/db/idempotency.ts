/**
 * Idempotency keys (Stripe's semantics). A claim item records the request's hash while the first
 * request runs; the write that completes the request marks it done, with its result, in the same
 * transaction, so a stored key always matches what was written. Claims expire after 24 hours.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, TABLE } from './client.ts';
import { getItem } from './get-item.ts';
import { epochSeconds, keys } from './keys.ts';
import type { TransactItems } from './transact.ts';

export const IDEMPOTENCY_SECONDS = 24 * 60 * 60;
/** A claim whose request died without completing can be taken over after this long. */
const LOCK_SECONDS = 30;

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'replay'; result: unknown }
  | { outcome: 'in_flight' }
  | { outcome: 'mismatch' };

export const idempotency = {
  async claim(userId: string, claimId: string, requestHash: string): Promise<ClaimResult> {
    const now = epochSeconds();
    try {
      await db.send(
        new PutCommand({
          TableName: TABLE,
          Item: { ...keys.idempotency(userId, claimId), entity: 'idempotency', request_hash: requestHash, state: 'in_flight', locked_until: now + LOCK_SECONDS, ttl: now + IDEMPOTENCY_SECONDS },
          ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now OR (#state = :inFlight AND locked_until < :now AND request_hash = :hash)',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#state': 'state' },
          ExpressionAttributeValues: { ':now': now, ':inFlight': 'in_flight', ':hash': requestHash },
        }),
      );
      return { outcome: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const claim = await getItem(keys.idempotency(userId, claimId));
    if (!claim) return idempotency.claim(userId, claimId, requestHash); // expired and deleted meanwhile
    if (claim.request_hash !== requestHash) return { outcome: 'mismatch' };
    if (claim.state !== 'done') return { outcome: 'in_flight' };
    return { outcome: 'replay', result: claim.result };
  },

  /** The transaction item that completes a claim; fails the transaction if the claim was lost. */
  completion(userId: string, claimId: string, requestHash: string, result: unknown): TransactItems[number] {
    return {
      Update: {
        TableName: TABLE,
        Key: keys.idempotency(userId, claimId),
        UpdateExpression: 'SET #state = :done, #result = :result',
        ConditionExpression: '#state = :inFlight AND request_hash = :hash',
        ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
        ExpressionAttributeValues: { ':done': 'done', ':inFlight': 'in_flight', ':hash': requestHash, ':result': result },
      },
    };
  },

  /** Frees a claim whose request failed, so the client can retry with the same key. */
  async release(userId: string, claimId: string): Promise<void> {
    await db.send(
      new DeleteCommand({
        TableName: TABLE,
        Key: keys.idempotency(userId, claimId),
        ConditionExpression: '#state = :inFlight',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':inFlight': 'in_flight' },
      }),
    ).catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  },
};
