/**
 * Failed sign-ins per account identifier, in a fixed 15-minute window that starts at the first
 * failure. The identifier is stored only as a keyed hash, so probing unknown emails leaves none in the table.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { db, TABLE } from './client.ts';
import { getItem } from './get-item.ts';
import { epochSeconds, keys } from './keys.ts';

export const MAX_FAILURES = 5;
export const WINDOW_SECONDS = 15 * 60;

export const loginAttempts = {
  /** Seconds until this identifier may try again; 0 when it is not locked. */
  async lockedFor(identifierHash: string): Promise<number> {
    const attempts = await getItem(keys.loginAttempts(identifierHash));
    if (!attempts || attempts.failures < MAX_FAILURES) return 0;
    return Math.max(0, attempts.window_start + WINDOW_SECONDS - epochSeconds());
  },

  async recordFailure(identifierHash: string): Promise<void> {
    const now = epochSeconds();
    const Key = keys.loginAttempts(identifierHash);
    try {
      // Count within the open window…
      await db.send(
        new UpdateCommand({
          TableName: TABLE,
          Key,
          UpdateExpression: 'ADD failures :one',
          ConditionExpression: 'window_start > :cutoff',
          ExpressionAttributeValues: { ':one': 1, ':cutoff': now - WINDOW_SECONDS },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // …or open a new one.
      await db.send(
        new UpdateCommand({
          TableName: TABLE,
          Key,
          UpdateExpression: 'SET failures = :one, window_start = :now, #ttl = :expires',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':expires': now + WINDOW_SECONDS },
        }),
      );
    }
  },

  async clear(identifierHash: string): Promise<void> {
    await db.send(new DeleteCommand({ TableName: TABLE, Key: keys.loginAttempts(identifierHash) }));
  },
};
