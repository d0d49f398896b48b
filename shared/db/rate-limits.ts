/**
 * Fixed-window counters per caller and purpose (for example 100 record lookups an hour). One atomic
 * ADD per request; the window's item expires by TTL. The caller is keyed by a keyed hash, so a window
 * never names anyone (and nothing is left to delete with an account).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keyedHash } from '../crypto/hash.ts';
import { RateLimited } from '../errors.ts';
import { db, tableName } from './client.ts';
import { epochSeconds, keys } from './keys.ts';

export async function consumeRateLimit(purpose: string, callerId: string, limit: number, windowSeconds: number): Promise<void> {
  const now = epochSeconds();
  const windowStart = now - (now % windowSeconds);
  const { Attributes } = await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.rateWindow(purpose, await keyedHash('rate', callerId), windowStart),
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
