/**
 * An account's own partition, `USER#<user_id>`: its profile (users.ts) and what belongs to the
 * account alone, each under a sort key of its own: sessions and refresh tokens (sessions.ts),
 * Idempotency-Key records (idempotency.ts), key-value usage (kv.ts), sign-in counters
 * (login-attempts.ts). Deleting the account deletes the partition.
 */
import { NotAuthenticated } from '../errors.ts';
import { deleteFound } from './batch.ts';
import { tableName } from './client.ts';
import { inPartition } from './query.ts';
import { type Guarded, guard } from './writes.ts';

export const userPartition = (userId: string) => `USER#${userId}`;

/** The profile's key: its existence is the account's. */
export const profileKey = (userId: string) => ({ PK: userPartition(userId), SK: 'PROFILE' });

/** The user a write belongs to does not exist (any more): an account deletion won the race. Whoever asked is nobody now. */
export class OwnerGone extends NotAuthenticated {
  constructor() {
    super('The account no longer exists.');
  }
}

/** The condition every write on a user's behalf carries: the user still exists. */
export const ownerExists = (userId: string): Guarded =>
  guard({ ConditionCheck: { TableName: tableName(), Key: profileKey(userId), ConditionExpression: 'attribute_exists(PK)' } }, () => new OwnerGone());

/** Deletes what is left in the partition (items of one kind: `sortKeyPrefix`); `consistent` also finds items written a moment ago. */
export const deleteUserPartition = (userId: string, sortKeyPrefix?: string, { consistent = false } = {}) =>
  deleteFound({ ...inPartition(userPartition(userId), sortKeyPrefix), ...(consistent && { ConsistentRead: true }) });
