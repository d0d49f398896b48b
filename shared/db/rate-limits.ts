/**
 * Fixed-window counters per caller and purpose (for example 100 record lookups an hour). One atomic
 * ADD per request; the window's item expires by TTL.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tooManyRequests } from '../http/problem.ts';
import { db, TABLE } from './client.ts';
import { epochSeconds, keys } from './keys.ts';

export async function consumeRateLimit(purpose: string, callerId: string, limit: number, windowSeconds: number): Promise<void> {
  const now = epochSeconds();
  const windowStart = now - (now % windowSeconds);
  const { Attributes } = await db.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: keys.rateWindow(purpose, callerId, windowStart),
      UpdateExpression: 'ADD hits :one SET #ttl = :expires',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':expires': windowStart + windowSeconds + 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  if ((Attributes?.hits ?? 0) > limit) {
    throw tooManyRequests(windowStart + windowSeconds - now, `At most ${limit} ${purpose.replace(/-/g, ' ')} per ${windowSeconds / 60} minutes; retry later.`);
  }
}
