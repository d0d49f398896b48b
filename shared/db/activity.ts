/**
 * The account-activity entity: what happened to an account, for its owner (GET /me/activity).
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `USER#<user_id>`, `EVENT#<at>#<8 random hex>` (the account's partition: deleted with it) |
 * | entity | `activity` |
 * | type, at | what happened (ActivityType), when |
 * | client_sealed | device and coarse network of the request: AES-256-GCM bound to the item |
 * | ttl | 90 days after it happened |
 *
 * Never a secret: no token, code, password or address.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { ACTIVITY_SECONDS, type ActivityType } from '../domain/activity.ts';
import { db, tableName } from './client.ts';
import { everything, inPartition, type Key, pages, queryPage } from './query.ts';
import { epochSeconds, type Item } from './table.ts';
import { userPartition } from './user-partition.ts';

/** Where a request came from, as the owner is shown it. */
export interface ActivityOrigin {
  device: string;
  network: string;
}

export interface ActivityEvent extends ActivityOrigin {
  type: ActivityType;
  at: string;
}

const EVENT = 'EVENT#';
export const activityContext = (userId: string, sortKey: string) => `activity:${userId}:${sortKey}`;
const newestFirst = (userId: string) => ({ ...inPartition(userPartition(userId), EVENT), ScanIndexForward: false });

async function fromItem(item: Item): Promise<ActivityEvent> {
  const client = JSON.parse(await openField(item.client_sealed, activityContext(item.user_id, item.SK)));
  return { type: item.type, at: item.at, device: client.device, network: client.network };
}

export const activity = {
  async record(userId: string, type: ActivityType, { device, network }: ActivityOrigin): Promise<void> {
    const now = new Date();
    const SK = `${EVENT}${now.toISOString()}#${randomBytes(4).toString('hex')}`;
    await db.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          PK: userPartition(userId),
          SK,
          entity: 'activity',
          user_id: userId,
          type,
          at: now.toISOString(),
          client_sealed: await sealField(JSON.stringify({ device, network }), activityContext(userId, SK)),
          ttl: epochSeconds(now.getTime()) + ACTIVITY_SECONDS,
        },
      }),
    );
  },

  /** One page, newest first, without what has expired but TTL has not removed yet. */
  async page(userId: string, limit: number, startKey?: Key) {
    const { items, lastKey } = await queryPage({ ...newestFirst(userId), Limit: limit }, startKey);
    return { items: await Promise.all(items.filter((item) => item.ttl > epochSeconds()).map(fromItem)), lastKey };
  },

  all: async (userId: string): Promise<ActivityEvent[]> =>
    Promise.all((await everything(pages(newestFirst(userId)))).filter((item) => item.ttl > epochSeconds()).map(fromItem)),
};
