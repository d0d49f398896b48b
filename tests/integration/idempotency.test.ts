/**
 * Idempotency claims (shared/db/idempotency.ts) against DynamoDB Local: a request that runs past its
 * lock may be taken over by a retry of the same request, and must then leave the retry's claim alone.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, dynamo, tableName } from '../../shared/db/client.ts';
import { ClaimInFlight, idempotency, idempotencyKeys } from '../../shared/db/idempotency.ts';
import { transact } from '../../shared/db/writes.ts';

describe('an Idempotency-Key claim taken over by a retry', () => {
  it('can neither be completed nor released by the request that lost it', async () => {
    const [userId, claimId, requestHash] = [randomUUID(), randomUUID(), 'request-hash'];
    const first = await idempotency.claim(userId, claimId, requestHash);
    if (first.outcome !== 'claimed') throw new Error(`first claim: ${first.outcome}`);
    expect(await idempotency.claim(userId, claimId, requestHash)).toEqual({ outcome: 'in_flight' });

    // The first request runs past its lock, so a retry of the same request takes the claim over.
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: idempotencyKeys.record(userId, claimId),
        UpdateExpression: 'SET locked_until = :past',
        ExpressionAttributeValues: { ':past': 0 },
      }),
    );
    const retry = await idempotency.claim(userId, claimId, requestHash);
    if (retry.outcome !== 'claimed') throw new Error(`retry's claim: ${retry.outcome}`);

    await expect(transact([idempotency.completion(userId, claimId, first.token, { by: 'first' })])).rejects.toThrow(ClaimInFlight);
    await idempotency.release(userId, claimId, first.token);
    expect(await idempotency.claim(userId, claimId, requestHash)).toEqual({ outcome: 'in_flight' });

    await transact([idempotency.completion(userId, claimId, retry.token, { by: 'retry' })]);
    expect(await idempotency.claim(userId, claimId, requestHash)).toEqual({ outcome: 'replay', result: { by: 'retry' } });
  });
});

describe('an Idempotency-Key seen before', () => {
  it('is answered from the failed claim itself (ReturnValuesOnConditionCheckFailure), without a second read', async () => {
    const [userId, claimId] = [randomUUID(), randomUUID()];
    const first = await idempotency.claim(userId, claimId, 'hash-a');
    if (first.outcome !== 'claimed') throw new Error(`first claim: ${first.outcome}`);
    const sent: string[] = [];
    dynamo.middlewareStack.add(
      (next, { commandName }) =>
        (args) => {
          sent.push(commandName ?? '');
          return next(args);
        },
      { step: 'initialize', name: 'countCommands' },
    );
    try {
      expect(await idempotency.claim(userId, claimId, 'hash-a')).toEqual({ outcome: 'in_flight' });
      expect(await idempotency.claim(userId, claimId, 'hash-b')).toEqual({ outcome: 'mismatch' });
    } finally {
      dynamo.middlewareStack.remove('countCommands');
    }
    expect(sent).toEqual(['PutItemCommand', 'PutItemCommand']);
  });
});
