/**
 * The user entity: an account's profile.
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `USER#<user_id>`, `PROFILE` (the account's partition: user-partition.ts) |
 * | GSI1PK, GSI1SK | `USERS`, `<created_at>#<user_id>`: every user, newest first (the id breaks ties) |
 * | entity | `user` |
 * | user_id, role, version, created_at, updated_at, password_hash? | as they are (the bcrypt hash is never answered) |
 * | email_verified_at? | when the owner proved the address (followed the mailed link); accounts made before verification existed have none and count as verified |
 * | address_unproven? | true on an account an admin made with, or gave, a password: it signs in, but nobody has proven its address yet (services/recovery.ts) |
 * | profile_sealed | name, email, username, phone, country, dob, address, gender, pending_email: one AES-256-GCM field bound to the user id |
 * | pending_email_expires_at? | until when the pending email change (`pending_email`, waiting for its confirmation) stands |
 *
 * Email and username are unique through marker items (markers.ts), written in the same transaction.
 * The number of admins is one item (`ADMINS`, `COUNT`: admins), changed in the same transaction as
 * every creation, role change and deletion of an admin, never below one: the last admin stays.
 */
import { randomUUID } from 'node:crypto';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { normaliseEmail, normaliseUsername, type Role } from '../domain/user.ts';
import { Conflict } from '../errors.ts';
import type { PublicUser } from '../schemas/users.ts';
import { tableName } from './client.ts';
import { markers, type Unique } from './markers.ts';
import { newestFirst, queryPage } from './query.ts';
import { batchedGet } from './read-batch.ts';
import { type Item, table } from './table.ts';
import { deleteUserPartition, profileKey } from './user-partition.ts';
import { type Guarded, guard, type TransactItem, transact } from './writes.ts';

/** The last admin cannot be demoted or deleted: nobody would be left to administer. */
export class LastAdmin extends Conflict {
  constructor() {
    super('This is the last admin: make another admin first.');
  }
}

const ADMIN_COUNT = { PK: 'ADMINS', SK: 'COUNT' };

/** The change to the admin count a write makes (none, one more, one fewer but never the last). */
function adminCount(change: number): (TransactItem | Guarded)[] {
  if (change === 0) return [];
  const update = { TableName: tableName(), Key: ADMIN_COUNT, UpdateExpression: 'ADD admins :change', ExpressionAttributeValues: { ':change': change } };
  if (change > 0) return [{ Update: update }];
  return [
    guard(
      { Update: { ...update, ConditionExpression: 'admins > :one', ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':one': 1 } } },
      () => new LastAdmin(),
    ),
  ];
}
const isAdmin = (user: { role: Role }) => (user.role === 'admin' ? 1 : 0);

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
  email_verified_at?: string;
  /** An admin made the account with, or gave it, a password: whoever holds it has not proven the address (a reset from the address then removes their factors). */
  address_unproven?: true;
  /** An email change waiting for the new address to confirm it (services/email-change.ts), and until when. */
  pending_email?: string;
  pending_email_expires_at?: string;
}

const USERS = 'USERS';

/** The associated data a profile's personal fields are sealed with. */
export const profileContext = (userId: string) => `user:${userId}:profile`;

async function toItem({ name, email, username, phone, country, dob, address, gender, pending_email, ...record }: User): Promise<Item> {
  const personal = JSON.stringify({ name, email, username, phone, country, dob, address, gender, pending_email }); // drops the unset ones
  return {
    ...profileKey(record.user_id),
    GSI1PK: USERS,
    GSI1SK: `${record.created_at}#${record.user_id}`,
    entity: 'user',
    ...record,
    profile_sealed: await sealField(personal, profileContext(record.user_id)),
  };
}

async function fromItem({
  user_id,
  role,
  version,
  created_at,
  updated_at,
  password_hash,
  email_verified_at,
  address_unproven,
  pending_email_expires_at,
  profile_sealed,
}: Item): Promise<User> {
  const { pending_email, ...personal } = JSON.parse(await openField(profile_sealed, profileContext(user_id)));
  const pending = pending_email !== undefined && pending_email_expires_at > new Date().toISOString(); // an expired one is no longer pending
  return {
    user_id,
    role,
    version,
    created_at,
    updated_at,
    ...(password_hash !== undefined && { password_hash }),
    ...(email_verified_at !== undefined && { email_verified_at }),
    ...(address_unproven === true && { address_unproven }),
    ...(pending && { pending_email, pending_email_expires_at }),
    ...personal,
  };
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
  'email_verified_at',
  'pending_email',
  'pending_email_expires_at',
] as const;

/** What the API answers about a user: never the password hash. */
export const toPublicUser = (user: User): PublicUser =>
  Object.fromEntries(PUBLIC_FIELDS.filter((f) => user[f] !== undefined).map((f) => [f, user[f]])) as PublicUser;

export const users = {
  /**
   * Creates the profile and its markers in one transaction, with `also` (for example the sign-up
   * claim it uses up), whose failures come after a taken email or username.
   */
  async create(
    fields: UserFields,
    passwordHash?: string,
    { verified = false, unproven = false, also = [] }: { verified?: boolean; unproven?: boolean; also?: (TransactItem | Guarded)[] } = {},
  ): Promise<User> {
    const now = new Date().toISOString();
    const user: User = {
      ...fields,
      user_id: randomUUID(),
      version: 1,
      created_at: now,
      updated_at: now,
      password_hash: passwordHash,
      ...(verified && { email_verified_at: now }),
      ...(unproven && { address_unproven: true as const }),
    };
    await transact([
      { Put: { TableName: tableName(), Item: await toItem(user), ConditionExpression: 'attribute_not_exists(PK)' } },
      ...(await markers.claim('email', user.email, user.user_id)),
      ...(user.username ? await markers.claim('username', user.username, user.user_id) : []),
      ...also,
      ...adminCount(isAdmin(user)),
    ]);
    return user;
  },

  async get(userId: string): Promise<User | undefined> {
    const item = await batchedGet(profileKey(userId));
    return item && fromItem(item);
  },

  /** The id of the user an email or username names. */
  idBy: (field: Unique, value: string) => markers.holder(field, value),

  async findByEmail(email: string): Promise<User | undefined> {
    const userId = await markers.holder('email', email);
    return userId === undefined ? undefined : users.get(userId);
  },

  /** Newest first; the cost is one Query of `limit` items, whatever the table holds. */
  async list(limit: number, startKey?: Record<string, unknown>) {
    const { items, lastKey } = await queryPage({ ...newestFirst(table.gsi1, USERS), Limit: limit }, startKey);
    return { items: await Promise.all(items.map(fromItem)), lastKey };
  },

  /**
   * Writes `next` over `current` if nobody changed it meanwhile, moving uniqueness markers as needed.
   * A change meanwhile (StaleVersion) wins over a value being taken: the caller re-reads first.
   * `also` joins the transaction (a mailed link it uses up), its failures after those.
   */
  async replace(current: User, next: User, also: (TransactItem | Guarded)[] = []): Promise<void> {
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
      ...(emailChanges ? await markers.release('email', current.email, current.user_id) : []),
      ...(usernameChanges && current.username ? await markers.release('username', current.username, current.user_id) : []),
      ...(emailChanges ? await markers.claim('email', next.email, current.user_id) : []),
      ...(usernameChanges && next.username ? await markers.claim('username', next.username, current.user_id) : []),
      ...adminCount(isAdmin(next) - isAdmin(current)),
      ...also,
    ]);
  },

  /** Deletes the profile and its markers in one transaction, if the version still matches. */
  async remove(user: User): Promise<void> {
    await transact([
      {
        Delete: {
          TableName: tableName(),
          Key: profileKey(user.user_id),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': user.version },
        },
      },
      ...(await markers.release('email', user.email, user.user_id)),
      ...(user.username ? await markers.release('username', user.username, user.user_id) : []),
      ...adminCount(-isAdmin(user)),
    ]);
  },

  /**
   * Deletes whatever is left in the user's own partition once the profile is gone: sessions, refresh
   * tokens, Idempotency-Key records, key-value usage, sign-in counters.
   */
  removePartition: (userId: string) => deleteUserPartition(userId),
};
