/**
 * The rate window entity: fixed-window counters per caller and purpose (for example 100 record
 * lookups an hour). One atomic ADD per request; the window's item expires by TTL.
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `RATE#<purpose>#<keyed hash of the caller's id>`, the window's start (ISO 8601) |
 * | hits, ttl | requests counted in the window; the window's end plus a minute |
 *
 * The caller is keyed by a keyed hash, so a window never names anyone (and nothing is left to delete
 * with an account).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keyedHash } from '../crypto/hash.ts';
import { RateLimited } from '../errors.ts';
import { db, tableName } from './client.ts';
import { epochSeconds } from './table.ts';

const windowKey = (purpose: string, callerHash: string, windowStart: number) => ({
  PK: `RATE#${purpose}#${callerHash}`,
  SK: new Date(windowStart * 1000).toISOString(),
});

/** Counts one request of the caller for the purpose; past `limit` in the window, RateLimited until it ends. */
export async function consumeRateLimit(purpose: string, callerId: string, limit: number, windowSeconds: number): Promise<void> {
  const now = epochSeconds();
  const windowStart = now - (now % windowSeconds);
  const { Attributes } = await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: windowKey(purpose, await keyedHash('rate', callerId), windowStart),
      UpdateExpression: 'ADD hits :one SET #ttl = :expires',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':expires': windowStart + windowSeconds + 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  if ((Attributes?.hits ?? 0) > limit) {
    throw new RateLimited(
      `At most ${limit} ${purpose.replace(/-/g, ' ')} per ${windowSeconds / 60} minutes; retry later.`,
      undefined,
      windowStart + windowSeconds - now,
    );
  }
}
