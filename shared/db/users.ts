/**
 * User repository. A profile lives at USER#<id>/PROFILE with its personal fields (name, email,
 * username, phone, country, dob, address, gender) stored as one AES-256-GCM field bound to the user.
 * Email and username uniqueness are marker items keyed by a keyed hash of the value (never the value
 * itself), written in the same transaction as the profile. After a key rotation a marker made under a
 * retired key still counts as taken and is still found (like phone records).
 */

import { randomUUID } from 'node:crypto';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { keyedHashes } from '../crypto/hash.ts';
import { normaliseEmail, normaliseUsername, type Role } from '../domain/user.ts';
import type { PublicUser } from '../schemas/users.ts';
import { deletePartition } from './batch.ts';
import { tableName } from './client.ts';
import { getItem } from './get-item.ts';
import { keys, USERS_INDEX_PK } from './keys.ts';
import { newestFirst, queryPage } from './query.ts';
import { fieldsOf, type Item, table } from './table.ts';
import { type Guarded, guard, type TransactItem, transact } from './writes.ts';

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

const PUBLIC_FIELDS = [
  'user_id',
  'name',
  'email',
  'username',
  'phone',
  'country',
  'dob',
  'address',
  'gender',
  'role',
  'version',
  'created_at',
  'updated_at',
] as const;

export const toPublicUser = (user: User): PublicUser =>
  Object.fromEntries(PUBLIC_FIELDS.filter((f) => user[f] !== undefined).map((f) => [f, user[f]])) as PublicUser;

export const profileContext = (userId: string) => `user:${userId}:profile`;

async function toItem({ name, email, username, phone, country, dob, address, gender, ...record }: User) {
  const personal = JSON.stringify({ name, email, username, phone, country, dob, address, gender }); // drops the unset ones
  return {
    ...keys.user(record.user_id),
    ...keys.userListing(record.created_at, record.user_id),
    entity: 'user',
    ...record,
    profile_sealed: await sealField(personal, profileContext(record.user_id)),
  };
}

async function fromItem(item: Item): Promise<User> {
  const { profile_sealed, ...record } = fieldsOf(item);
  return { ...record, ...JSON.parse(await openField(profile_sealed, profileContext(record.user_id))) } as User;
}

type Unique = 'email' | 'username';

/** The marker keys of an email or username: its keyed hash under every key in use, the current one first. */
async function markerKeys(field: Unique, value: string) {
  const normalised = field === 'email' ? normaliseEmail(value) : normaliseUsername(value);
  return (await keyedHashes(field, normalised)).map(({ hash }) => keys[field](hash));
}

/** Takes a value: a marker under the current key, and none may exist under a retired one (else UniquenessConflict). */
async function claim(field: Unique, value: string, userId: string): Promise<Guarded[]> {
  const [current, ...retired] = await markerKeys(field, value);
  const taken = () => new UniquenessConflict(field);
  return [
    guard({ Put: { TableName: tableName(), Item: { ...current, entity: 'marker', user_id: userId }, ConditionExpression: 'attribute_not_exists(PK)' } }, taken),
    ...retired.map((Key) => guard({ ConditionCheck: { TableName: tableName(), Key, ConditionExpression: 'attribute_not_exists(PK)' } }, taken)),
  ];
}

/** Gives a value up, under whichever key its marker was made (another owner's marker: StaleVersion). */
async function release(field: Unique, value: string, userId: string): Promise<TransactItem[]> {
  return (await markerKeys(field, value)).map((Key) => ({
    Delete: { TableName: tableName(), Key, ConditionExpression: 'attribute_not_exists(PK) OR user_id = :me', ExpressionAttributeValues: { ':me': userId } },
  }));
}

export const users = {
  async create(fields: UserFields, passwordHash?: string): Promise<User> {
    const now = new Date().toISOString();
    const user: User = { ...fields, user_id: randomUUID(), version: 1, created_at: now, updated_at: now, password_hash: passwordHash };
    await transact([
      { Put: { TableName: tableName(), Item: await toItem(user), ConditionExpression: 'attribute_not_exists(PK)' } },
      ...(await claim('email', user.email, user.user_id)),
      ...(user.username ? await claim('username', user.username, user.user_id) : []),
    ]);
    return user;
  },

  async get(userId: string): Promise<User | undefined> {
    const item = await getItem(keys.user(userId));
    return item && fromItem(item);
  },

  findByEmail: (email: string) => users.findBy('email', email),

  findByUsername: (username: string) => users.findBy('username', username),

  async findBy(field: Unique, value: string): Promise<User | undefined> {
    const userId = await users.idBy(field, value);
    return userId === undefined ? undefined : users.get(userId);
  },

  /** The id of the user an email or username names, from its marker alone. */
  async idBy(field: Unique, value: string): Promise<string | undefined> {
    for (const key of await markerKeys(field, value)) {
      const marker = await getItem(key);
      if (marker) return marker.user_id;
    }
    return undefined;
  },

  /** Newest first; the cost is one Query of `limit` items, whatever the table holds. */
  async list(limit: number, startKey?: Record<string, unknown>) {
    const { items, lastKey } = await queryPage({ ...newestFirst(table.gsi1, USERS_INDEX_PK), Limit: limit }, startKey);
    return { items: await Promise.all(items.map(fromItem)), lastKey };
  },

  /**
   * Writes `next` over `current` if nobody changed it meanwhile, moving uniqueness markers as needed.
   * A change meanwhile (StaleVersion) wins over a value being taken: the caller re-reads first.
   */
  async replace(current: User, next: User): Promise<void> {
    const emailChanges = normaliseEmail(current.email) !== normaliseEmail(next.email);
    const usernameChanges = (current.username && normaliseUsername(current.username)) !== (next.username && normaliseUsername(next.username));
    await transact([
      {
        Put: {
          TableName: tableName(),
          Item: await toItem(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        },
      },
      ...(emailChanges ? await release('email', current.email, current.user_id) : []),
      ...(usernameChanges && current.username ? await release('username', current.username, current.user_id) : []),
      ...(emailChanges ? await claim('email', next.email, current.user_id) : []),
      ...(usernameChanges && next.username ? await claim('username', next.username, current.user_id) : []),
    ]);
  },

  /**
   * Deletes whatever is left in the user's own partition once the profile is gone: sessions, refresh
   * tokens, Idempotency-Key records, key-value usage, sign-in counters.
   */
  removePartition: (userId: string) => deletePartition(keys.userPartition(userId)),

  /** Deletes the profile and its markers in one transaction, if the version still matches. */
  async remove(user: User): Promise<void> {
    await transact([
      {
        Delete: {
          TableName: tableName(),
          Key: keys.user(user.user_id),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': user.version },
        },
      },
      ...(await release('email', user.email, user.user_id)),
      ...(user.username ? await release('username', user.username, user.user_id) : []),
    ]);
  },
};
