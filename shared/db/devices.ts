/**
 * The recognised-device entity (OWASP's device cookie): a random token given to the client at each
 * sign-in, bound to the account. A password attempt carrying it is counted on the device's own
 * record, not the account's, so an attacker who knows only the email cannot slow its owner down.
 * DEVICE_MAX_FAILURES failures in a row on one device end it: the token then counts as unknown.
 *
 * | item | PK, SK | attributes |
 * | --- | --- | --- |
 * | device | `USER#<user_id>`, `DEVICE#<sha256 of the token>` | entity `device`, failures, created_at, ttl (180 days, extended at each sign-in) |
 *
 * Only the token's SHA-256 is stored (the token is 32 random bytes). It lives in the account's partition.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sha256 } from '../crypto/hash.ts';
import { DEVICE_MAX_FAILURES } from '../domain/sign-in.ts';
import { db, tableName } from './client.ts';
import { epochSeconds } from './table.ts';
import { userPartition } from './user-partition.ts';
import { conditionally } from './writes.ts';

export const DEVICE_SECONDS = 180 * 24 * 60 * 60;
const DEVICE_TOKEN = /^[\w-]{43}$/;

const deviceKey = (userId: string, token: string) => ({ PK: userPartition(userId), SK: `DEVICE#${sha256(token)}` });

/** An attempt counted on a device's record. */
export interface DeviceClaim {
  userId: string;
  token: string;
}

export const devices = {
  /** A new device token for the account (or the same one renewed when the client carried a valid one). */
  async remember(userId: string, carried?: string): Promise<string> {
    const token = carried && DEVICE_TOKEN.test(carried) ? carried : randomBytes(32).toString('base64url');
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: deviceKey(userId, token),
        UpdateExpression: 'SET entity = :entity, failures = :zero, created_at = if_not_exists(created_at, :now), #ttl = :expires',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':entity': 'device', ':zero': 0, ':now': new Date().toISOString(), ':expires': epochSeconds() + DEVICE_SECONDS },
      }),
    );
    return token;
  },

  /**
   * Counts an attempt on the device's record, before the password is checked. Undefined when the
   * token names no live device of this account (or the device has used its failures up): the attempt
   * is then judged as from an unknown device.
   */
  async claim(userId: string, token: string | undefined): Promise<DeviceClaim | undefined> {
    if (!token || !DEVICE_TOKEN.test(token)) return undefined;
    const counted = await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: deviceKey(userId, token),
          UpdateExpression: 'ADD failures :one',
          ConditionExpression: 'attribute_exists(PK) AND failures < :max AND #ttl > :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':max': DEVICE_MAX_FAILURES, ':now': epochSeconds() },
        }),
      ),
    );
    return counted.written ? { userId, token } : undefined;
  },

  /** Whether the token names a live device of this account (for a sign-in without a password, which counts nothing). */
  async recognises(userId: string, token: string | undefined): Promise<boolean> {
    if (!token || !DEVICE_TOKEN.test(token)) return false;
    const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: deviceKey(userId, token), ConsistentRead: true }));
    return Boolean(Item && Item.failures < DEVICE_MAX_FAILURES && Item.ttl > epochSeconds());
  },

  /** A right password: the device's failures start again from zero. */
  async succeeded({ userId, token }: DeviceClaim): Promise<void> {
    await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: deviceKey(userId, token),
          UpdateExpression: 'SET failures = :zero',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      ),
    );
  },

  /** A wrong password: the device's last allowed failure ends it. */
  async failed({ userId, token }: DeviceClaim): Promise<void> {
    await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: deviceKey(userId, token),
          ConditionExpression: 'failures >= :max',
          ExpressionAttributeValues: { ':max': DEVICE_MAX_FAILURES },
        }),
      ),
    );
  },
};
