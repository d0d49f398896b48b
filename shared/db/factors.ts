/**
 * Second factors, in the account's partition (user-partition.ts), so deleting the account deletes them.
 *
 * | item | PK, SK | attributes |
 * | --- | --- | --- |
 * | TOTP | `USER#<id>`, `FACTOR#TOTP` | secret_sealed (AES-256-GCM, bound to the user), active, last_step (the last time step accepted), created_at, activated_at (when it was turned on) |
 * | recovery codes | `USER#<id>`, `FACTOR#RECOVERY` | codes: a string set of keyed hashes, one removed per use; created_at |
 * | sign-in challenge | `USER#<id>`, `MFA#<sha256 of the challenge>` | failures, expires_at (ms), ttl |
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { sha256 } from '../crypto/hash.ts';
import { db, tableName } from './client.ts';
import { batchedGet } from './read-batch.ts';
import { epochSeconds } from './table.ts';
import { userPartition } from './user-partition.ts';
import { conditionally, type Guarded, StaleVersion, transact } from './writes.ts';

const totpKey = (userId: string) => ({ PK: userPartition(userId), SK: 'FACTOR#TOTP' });
const recoveryKey = (userId: string) => ({ PK: userPartition(userId), SK: 'FACTOR#RECOVERY' });
const challengeKey = (userId: string, challenge: string) => ({ PK: userPartition(userId), SK: `MFA#${sha256(challenge)}` });
export const totpContext = (userId: string) => `totp:${userId}`;

export interface Totp {
  secret: string;
  active: boolean;
  lastStep: number;
  /** When it was turned on (when it was started, while pending or for an item older than that attribute). */
  addedAt: string;
}

export const totps = {
  async get(userId: string): Promise<Totp | undefined> {
    const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: totpKey(userId), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      secret: await openField(Item.secret_sealed, totpContext(userId)),
      active: Item.active === true,
      lastStep: Item.last_step ?? -1,
      addedAt: Item.activated_at ?? Item.created_at,
    };
  },

  /** Whether the authenticator is on, without opening its secret. */
  async isActive(userId: string): Promise<boolean> {
    return (await batchedGet(totpKey(userId)))?.active === true;
  },

  /** A pending secret; it replaces a pending one, never an active one. */
  async startPending(userId: string, secret: string): Promise<boolean> {
    const item = {
      ...totpKey(userId),
      entity: 'totp',
      active: false,
      secret_sealed: await sealField(secret, totpContext(userId)),
      created_at: new Date().toISOString(),
    };
    const put = await conditionally(() =>
      db.send(
        new PutCommand({
          TableName: tableName(),
          Item: item,
          ConditionExpression: 'attribute_not_exists(PK) OR active = :false',
          ExpressionAttributeValues: { ':false': false },
        }),
      ),
    );
    return put.written;
  },

  /**
   * Accepts a time step once: it must be later than the last accepted one (so a code cannot be
   * replayed, even by two requests at once). `activate` also turns a pending secret on, while
   * `alsoHeld` holds (the session turning it on is open).
   */
  async acceptStep(userId: string, step: number, activate = false, alsoHeld: Guarded[] = []): Promise<boolean> {
    const update = {
      TableName: tableName(),
      Key: totpKey(userId),
      UpdateExpression: `SET last_step = :step, active = :true${activate ? ', activated_at = :now' : ''}`,
      ConditionExpression: `attribute_exists(PK) AND active = :wanted AND (attribute_not_exists(last_step) OR last_step < :step)`,
      ExpressionAttributeValues: { ':step': step, ':true': true, ':wanted': !activate, ...(activate && { ':now': new Date().toISOString() }) },
    };
    if (alsoHeld.length === 0) return (await conditionally(() => db.send(new UpdateCommand(update)))).written;
    return transact([...alsoHeld, { Update: update }]).then(
      () => true,
      (error: unknown) => {
        if (error instanceof StaleVersion) return false;
        throw error;
      },
    );
  },

  async remove(userId: string): Promise<void> {
    await Promise.all([
      db.send(new DeleteCommand({ TableName: tableName(), Key: totpKey(userId) })),
      db.send(new DeleteCommand({ TableName: tableName(), Key: recoveryKey(userId) })),
    ]);
  },
};

export const recoveryCodes = {
  async remaining(userId: string): Promise<number> {
    return ((await batchedGet(recoveryKey(userId)))?.codes as Set<string> | undefined)?.size ?? 0;
  },

  /** Replaces every code with these (keyed hashes), while `alsoHeld` holds (the session making them is open). */
  async replace(userId: string, hashes: string[], alsoHeld: Guarded[]): Promise<void> {
    const Item = { ...recoveryKey(userId), entity: 'recovery-codes', codes: new Set(hashes), created_at: new Date().toISOString() };
    await transact([...alsoHeld, { Put: { TableName: tableName(), Item } }]);
  },

  /** When the account's codes were made (undefined without codes, or for codes older than that attribute). */
  async madeAt(userId: string): Promise<string | undefined> {
    const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: recoveryKey(userId), ConsistentRead: true }));
    return Item?.created_at;
  },

  async remove(userId: string): Promise<void> {
    await db.send(new DeleteCommand({ TableName: tableName(), Key: recoveryKey(userId) }));
  },

  /** Uses a code up: true once per code, even for two requests at once. */
  async consume(userId: string, hash: string): Promise<boolean> {
    const used = await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: recoveryKey(userId),
          UpdateExpression: 'DELETE codes :set',
          ConditionExpression: 'contains(codes, :hash)',
          ExpressionAttributeValues: { ':set': new Set([hash]), ':hash': hash },
        }),
      ),
    );
    return used.written;
  },
};

export const CHALLENGE_SECONDS = 5 * 60;
export const CHALLENGE_MAX_FAILURES = 5;

export const mfaChallenges = {
  /**
   * `recognisedDevice`: the password step came from a recognised device (no new-device notice then);
   * `profileVersion`: the profile the password was checked against (a change since ends the sign-in).
   */
  async create(userId: string, challenge: string, recognisedDevice: boolean, profileVersion: number): Promise<void> {
    const now = Date.now();
    await db.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...challengeKey(userId, challenge),
          entity: 'mfa-challenge',
          failures: 0,
          recognised_device: recognisedDevice,
          profile_version: profileVersion,
          expires_at: now + CHALLENGE_SECONDS * 1000,
          ttl: epochSeconds(now) + CHALLENGE_SECONDS,
        },
      }),
    );
  },

  async isOpen(userId: string, challenge: string): Promise<boolean> {
    const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: challengeKey(userId, challenge), ConsistentRead: true }));
    return Boolean(Item && Item.expires_at > Date.now() && Item.failures < CHALLENGE_MAX_FAILURES);
  },

  /** A wrong code: the challenge ends at its last allowed failure. */
  async fail(userId: string, challenge: string): Promise<void> {
    const counted = await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: challengeKey(userId, challenge),
          UpdateExpression: 'ADD failures :one',
          ConditionExpression: 'failures < :last',
          ExpressionAttributeValues: { ':one': 1, ':last': CHALLENGE_MAX_FAILURES - 1 },
        }),
      ),
    );
    if (!counted.written) await mfaChallenges.use(userId, challenge);
  },

  /** Ends the challenge; for exactly one caller, while it was open, whether its device was recognised and the profile version it was made on. */
  async use(userId: string, challenge: string): Promise<{ recognisedDevice: boolean; profileVersion?: number } | undefined> {
    const used = await conditionally(() =>
      db.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: challengeKey(userId, challenge),
          ConditionExpression: 'expires_at > :now AND failures < :max',
          ExpressionAttributeValues: { ':now': Date.now(), ':max': CHALLENGE_MAX_FAILURES },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    const item = used.written ? used.output.Attributes : undefined;
    return item && { recognisedDevice: item.recognised_device === true, profileVersion: item.profile_version };
  },
};
