/**
 * Idempotency claims (shared/db/idempotency.ts) against DynamoDB Local: a request that runs past its
 * lock may be taken over by a retry of the same request, and must then leave the retry's claim alone.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from '../../shared/db/client.ts';
import { ClaimLost, idempotency } from '../../shared/db/idempotency.ts';
import { keys } from '../../shared/db/keys.ts';
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
        Key: keys.idempotency(userId, claimId),
        UpdateExpression: 'SET locked_until = :past',
        ExpressionAttributeValues: { ':past': 0 },
      }),
    );
    const retry = await idempotency.claim(userId, claimId, requestHash);
    if (retry.outcome !== 'claimed') throw new Error(`retry's claim: ${retry.outcome}`);

    await expect(transact([idempotency.completion(userId, claimId, first.token, { by: 'first' })])).rejects.toThrow(ClaimLost);
    await idempotency.release(userId, claimId, first.token);
    expect(await idempotency.claim(userId, claimId, requestHash)).toEqual({ outcome: 'in_flight' });

    await transact([idempotency.completion(userId, claimId, retry.token, { by: 'retry' })]);
    expect(await idempotency.claim(userId, claimId, requestHash)).toEqual({ outcome: 'replay', result: { by: 'retry' } });
  });
});
