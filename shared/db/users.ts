/**
 * User repository. A profile lives at USER#<id>/PROFILE; email and username uniqueness are marker
 * items written in the same transaction as the profile. The phone is stored only encrypted.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { openField, sealField } from '../crypto/field-cipher.ts';
import type { Role } from '../crypto/tokens.ts';
import type { PublicUser } from '../schemas/users.ts';
import { db, TABLE } from './client.ts';
import { getItem } from './get-item.ts';
import { keys, normaliseEmail, normaliseUsername, USERS_INDEX_PK } from './keys.ts';
import { StaleVersion, transact, type TransactItems } from './transact.ts';
import { table } from './table.ts';

export interface UserFields {
  name: string;
  email: string;
  username?: string;
  phone?: string;
  country?: string;
  dob?: string;
  address?: string;
  gender?: string;
  role: Role;
}

export interface User extends UserFields {
  user_id: string;
  version: number;
  created_at: string;
  updated_at: string;
  password_hash?: string;
}

/** Which uniqueness marker a failed transaction item stood for. */
export class UniquenessConflict extends Error {
  constructor(readonly field: 'email' | 'username') {
    super(`${field} is taken`);
  }
}

const PUBLIC_FIELDS = ['user_id', 'name', 'email', 'username', 'phone', 'country', 'dob', 'address', 'gender', 'role', 'version', 'created_at', 'updated_at'] as const;

export const toPublicUser = (user: User): PublicUser =>
  Object.fromEntries(PUBLIC_FIELDS.filter((f) => user[f] !== undefined).map((f) => [f, user[f]])) as PublicUser;

const phoneContext = (userId: string) => `user:${userId}:phone`;

async function toItem(user: User) {
  const { phone, ...rest } = user;
  return {
    ...keys.user(user.user_id),
    ...keys.userListing(user.created_at, user.user_id),
    entity: 'user',
    ...rest,
    phone_sealed: phone === undefined ? undefined : await sealField(phone, phoneContext(user.user_id)),
  };
}

async function fromItem(item: Record<string, any> | undefined): Promise<User | undefined> {
  if (!item) return undefined;
  const { PK, SK, GSI1PK, GSI1SK, entity, phone_sealed, ...user } = item;
  if (phone_sealed) user.phone = await openField(phone_sealed, phoneContext(user.user_id));
  return user as User;
}

const markerPut = (key: Record<string, string>, userId: string) => ({
  Put: { TableName: TABLE, Item: { ...key, entity: 'marker', user_id: userId }, ConditionExpression: 'attribute_not_exists(PK)' },
});
const markerDelete = (key: Record<string, string>, userId: string) => ({
  Delete: { TableName: TABLE, Key: key, ConditionExpression: 'user_id = :me', ExpressionAttributeValues: { ':me': userId } },
});

/** Runs a transaction whose items are labelled; maps a failed condition to what it protected. */
async function transactLabelled(items: { label: 'profile' | 'email' | 'username' | 'other'; item: TransactItems[number] }[]) {
  try {
    await transact(items.map((i) => i.item));
  } catch (error) {
    const failed = (error as { failed?: number[] }).failed?.map((index) => items[index].label);
    if (!failed) throw error;
    if (failed.includes('profile') || failed.includes('other')) throw new StaleVersion();
    throw new UniquenessConflict(failed.includes('email') ? 'email' : 'username');
  }
}

export const users = {
  async create(fields: UserFields, passwordHash?: string): Promise<User> {
    const now = new Date().toISOString();
    const user: User = { ...fields, user_id: randomUUID(), version: 1, created_at: now, updated_at: now, password_hash: passwordHash };
    await transactLabelled([
      { label: 'profile', item: { Put: { TableName: TABLE, Item: await toItem(user), ConditionExpression: 'attribute_not_exists(PK)' } } },
      { label: 'email', item: markerPut(keys.email(normaliseEmail(user.email)), user.user_id) },
      ...(user.username ? [{ label: 'username' as const, item: markerPut(keys.username(normaliseUsername(user.username)), user.user_id) }] : []),
    ]);
    return user;
  },

  async get(userId: string): Promise<User | undefined> {
    return fromItem(await getItem(keys.user(userId)));
  },

  async findByEmail(email: string): Promise<User | undefined> {
    return users.findByMarker(keys.email(normaliseEmail(email)));
  },

  async findByUsername(username: string): Promise<User | undefined> {
    return users.findByMarker(keys.username(normaliseUsername(username)));
  },

  async findByMarker(key: Record<string, string>): Promise<User | undefined> {
    const marker = await getItem(key);
    return marker ? users.get(marker.user_id) : undefined;
  },

  /** Newest first; the cost is one Query of `limit` items, whatever the table holds. */
  async list(limit: number, startKey?: Record<string, unknown>) {
    const { Items = [], LastEvaluatedKey } = await db.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: table.gsi1.indexName,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': USERS_INDEX_PK },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { users: (await Promise.all(Items.map(fromItem))) as User[], lastKey: LastEvaluatedKey };
  },

  /** Writes `next` over `current` if nobody changed it meanwhile, moving uniqueness markers as needed. */
  async replace(current: User, next: User): Promise<void> {
    const items: Parameters<typeof transactLabelled>[0] = [
      {
        label: 'profile',
        item: {
          Put: {
            TableName: TABLE,
            Item: await toItem(next),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': current.version },
          },
        },
      },
    ];
    const oldEmail = normaliseEmail(current.email);
    const newEmail = normaliseEmail(next.email);
    if (oldEmail !== newEmail) {
      items.push({ label: 'other', item: markerDelete(keys.email(oldEmail), current.user_id) });
      items.push({ label: 'email', item: markerPut(keys.email(newEmail), current.user_id) });
    }
    const oldUsername = current.username && normaliseUsername(current.username);
    const newUsername = next.username && normaliseUsername(next.username);
    if (oldUsername !== newUsername) {
      if (oldUsername) items.push({ label: 'other', item: markerDelete(keys.username(oldUsername), current.user_id) });
      if (newUsername) items.push({ label: 'username', item: markerPut(keys.username(newUsername), current.user_id) });
    }
    await transactLabelled(items);
  },

  /** Deletes the profile and its markers in one transaction, if the version still matches. */
  async remove(user: User): Promise<void> {
    await transactLabelled([
      {
        label: 'profile',
        item: {
          Delete: {
            TableName: TABLE,
            Key: keys.user(user.user_id),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': user.version },
          },
        },
      },
      { label: 'other', item: markerDelete(keys.email(normaliseEmail(user.email)), user.user_id) },
      ...(user.username ? [{ label: 'other' as const, item: markerDelete(keys.username(normaliseUsername(user.username)), user.user_id) }] : []),
    ]);
  },
};
