/**
 * Passkeys (WebAuthn credentials) and the challenges of their ceremonies.
 *
 * | item | PK, SK | attributes |
 * | --- | --- | --- |
 * | passkey | `USER#<id>`, `PASSKEY#<sha256 of the credential id>` | entity `passkey`, credential_id, public_key (COSE, base64url), counter, transports, name, device_type, backed_up, created_at, last_used_at |
 * | credential marker | `PASSKEY#<sha256 of the credential id>`, `PASSKEY` | entity `passkey-marker`, user_id: a credential id is registered once across accounts |
 * | ceremony challenge | `WEBAUTHN#<sha256 of the challenge>`, `CHALLENGE` | entity `webauthn-challenge`, purpose, user_id (none for a passkey sign-in), expires_at (ms), ttl |
 *
 * A passkey lives in its account's partition (deleting the account deletes it); it holds a public key
 * and the authenticator's signature counter, nothing secret. A challenge is stored only as its hash
 * and is taken (deleted) once, while it is fresh.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sha256 } from '../crypto/hash.ts';
import { Conflict } from '../errors.ts';
import { db, tableName } from './client.ts';
import { everything, pages } from './query.ts';
import { epochSeconds, type Item } from './table.ts';
import { ownerExists, userPartition } from './user-partition.ts';
import { conditionally, type Guarded, guard, type TransactItem, transact } from './writes.ts';

export const PASSKEY_PREFIX = 'PASSKEY#';
/** A public id of a passkey: the SHA-256 of its credential id (base64url), which is also its sort key. */
export const passkeyId = (credentialId: string) => sha256(credentialId);
const passkeyKey = (userId: string, id: string) => ({ PK: userPartition(userId), SK: `${PASSKEY_PREFIX}${id}` });
const markerKey = (id: string) => ({ PK: `${PASSKEY_PREFIX}${id}`, SK: 'PASSKEY' });
const challengeKey = (challenge: string) => ({ PK: `WEBAUTHN#${sha256(challenge)}`, SK: 'CHALLENGE' });

export const MAX_PASSKEYS = 10;
export const CHALLENGE_SECONDS = 5 * 60;

export interface Passkey {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  deviceType: string;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt?: string;
}

const fromItem = (item: Item): Passkey => ({
  id: (item.SK as string).slice(PASSKEY_PREFIX.length),
  userId: (item.PK as string).slice('USER#'.length),
  credentialId: item.credential_id,
  publicKey: item.public_key,
  counter: item.counter,
  transports: item.transports ?? [],
  name: item.name,
  deviceType: item.device_type,
  backedUp: item.backed_up === true,
  createdAt: item.created_at,
  lastUsedAt: item.last_used_at,
});

export type ChallengePurpose = 'sign-in' | 'register' | 'step-up';

export const passkeys = {
  async list(userId: string): Promise<Passkey[]> {
    const items = await everything(
      pages({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': userPartition(userId), ':prefix': PASSKEY_PREFIX },
        ConsistentRead: true,
      }),
    );
    return items.map(fromItem);
  },

  async get(userId: string, id: string): Promise<Passkey | undefined> {
    const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: passkeyKey(userId, id), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  },

  /**
   * Stores a new passkey with its credential marker, while the account exists and `alsoHeld` holds (the
   * session adding it is open); a credential id registered before is a Conflict.
   */
  async add(passkey: Omit<Passkey, 'id' | 'createdAt' | 'lastUsedAt'>, alsoHeld: Guarded[] = []): Promise<Passkey> {
    const id = passkeyId(passkey.credentialId);
    const createdAt = new Date().toISOString();
    const taken = () => new Conflict('This passkey is registered already.', [{ path: 'body.credential', message: 'This passkey is registered already' }]);
    await transact([
      ...alsoHeld,
      ownerExists(passkey.userId),
      guard(
        {
          Put: {
            TableName: tableName(),
            Item: { ...markerKey(id), entity: 'passkey-marker', user_id: passkey.userId },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        taken,
      ),
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...passkeyKey(passkey.userId, id),
            entity: 'passkey',
            credential_id: passkey.credentialId,
            public_key: passkey.publicKey,
            counter: passkey.counter,
            transports: passkey.transports,
            name: passkey.name,
            device_type: passkey.deviceType,
            backed_up: passkey.backedUp,
            created_at: createdAt,
          },
        },
      },
    ]);
    return { ...passkey, id, createdAt };
  },

  async rename(userId: string, id: string, name: string): Promise<Passkey | undefined> {
    const renamed = await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: passkeyKey(userId, id),
          UpdateExpression: 'SET #name = :name',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': name },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return renamed.written && renamed.output.Attributes ? fromItem(renamed.output.Attributes) : undefined;
  },

  /** A transaction's check that the passkey is still registered. */
  stillRegistered: (userId: string, id: string): TransactItem => ({
    ConditionCheck: { TableName: tableName(), Key: passkeyKey(userId, id), ConditionExpression: 'attribute_exists(PK)' },
  }),

  /** Removes a passkey and its marker; false when there was none. */
  async remove(userId: string, id: string): Promise<boolean> {
    const removed = await conditionally(() =>
      db.send(new DeleteCommand({ TableName: tableName(), Key: passkeyKey(userId, id), ConditionExpression: 'attribute_exists(PK)' })),
    );
    if (removed.written) await db.send(new DeleteCommand({ TableName: tableName(), Key: markerKey(id) }));
    return removed.written;
  },

  /**
   * Records a use with the authenticator's new signature counter. The counter must grow (spec §7.2
   * step 21), unless the authenticator keeps none (0 then, as synced passkeys do): false otherwise,
   * which also settles two uses at once with one counter value.
   */
  async used(passkey: Passkey, counter: number): Promise<boolean> {
    const keepsNone = counter === 0 && passkey.counter === 0;
    const recorded = await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: passkeyKey(passkey.userId, passkey.id),
          UpdateExpression: 'SET #counter = :counter, last_used_at = :now',
          ConditionExpression: keepsNone ? 'attribute_exists(PK) AND #counter = :counter' : 'attribute_exists(PK) AND #counter < :counter',
          ExpressionAttributeNames: { '#counter': 'counter' },
          ExpressionAttributeValues: { ':counter': counter, ':now': new Date().toISOString() },
        }),
      ),
    );
    return recorded.written;
  },
};

export interface Challenge {
  purpose: ChallengePurpose;
  userId?: string;
}

export const webauthnChallenges = {
  async create(challenge: string, { purpose, userId }: Challenge): Promise<void> {
    const now = Date.now();
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: challengeKey(challenge),
        UpdateExpression: `SET entity = :entity, purpose = :purpose, expires_at = :expires, #ttl = :ttl${userId ? ', user_id = :user' : ''}`,
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':entity': 'webauthn-challenge',
          ':purpose': purpose,
          ':expires': now + CHALLENGE_SECONDS * 1000,
          ':ttl': epochSeconds(now) + CHALLENGE_SECONDS,
          ...(userId && { ':user': userId }),
        },
      }),
    );
  },

  /** Takes a challenge: for exactly one caller, while it is fresh, what it was issued for. */
  async take(challenge: string): Promise<Challenge | undefined> {
    const taken = await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: challengeKey(challenge),
          ConditionExpression: 'expires_at > :now',
          ExpressionAttributeValues: { ':now': Date.now() },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    const item = taken.written ? taken.output.Attributes : undefined;
    return item ? { purpose: item.purpose, userId: item.user_id } : undefined;
  },
};
