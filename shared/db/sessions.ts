/**
 * The session entity and its refresh tokens. A session is a refresh-token family: the session item
 * keeps the family's access tokens valid; each refresh token is its own item, marked spent when
 * rotated, so presenting a spent one is detected as reuse and closes the whole family.
 *
 * | item | PK, SK | attributes |
 * | --- | --- | --- |
 * | session | `USER#<user_id>`, `SESSION#<session_id>` | entity `session`, user_id, role, method, client_sealed (device and network, AES-256-GCM bound to the session), created_at, last_used_at, ttl (30 days, extended on refresh) |
 * | refresh token | `USER#<user_id>`, `REFRESH#<sha256 of the token>` | entity `refresh_token`, user_id, session_id, role, spent, spent_at (ms), successor_sealed (the pair its rotation made, AES-256-GCM), ttl |
 *
 * Both live in the account's partition (user-partition.ts), so deleting the account deletes them.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { sha256 } from '../crypto/hash.ts';
import { newRefreshToken, REFRESH_TOKEN_SECONDS, refreshTokenUser, signAccessToken } from '../crypto/tokens.ts';
import type { SignInMethod } from '../domain/device.ts';
import type { Role } from '../domain/user.ts';
import { NotAuthenticated } from '../errors.ts';
import { db, tableName } from './client.ts';
import { everything, inPartition, type Key, pages, queryPage } from './query.ts';
import { batchedGet } from './read-batch.ts';
import { epochSeconds, type Item } from './table.ts';
import { deleteUserPartition, profileKey, userPartition } from './user-partition.ts';
import { type Guarded, guard, StaleVersion, transact } from './writes.ts';

const SESSION_ENDED = 'The session has ended; sign in again.';

const SESSION = 'SESSION#';
export const sessionKeys = {
  session: (userId: string, sessionId: string) => ({ PK: userPartition(userId), SK: `${SESSION}${sessionId}` }),
  /** A refresh token, by its SHA-256 (the token is high-entropy and random: no keyed hash needed). */
  refreshToken: (userId: string, tokenHash: string) => ({ PK: userPartition(userId), SK: `REFRESH#${tokenHash}` }),
};

export interface Session {
  userId: string;
  sessionId: string;
  role: Role;
  refreshToken: string;
}

/** Where and how a session signed in, as its owner sees it (domain/device.ts). */
export interface SignInOrigin {
  device: string;
  network: string;
  method: SignInMethod;
}

export interface OpenSession extends SignInOrigin {
  sessionId: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: number;
}

export const sessionClientContext = (userId: string, sessionId: string) => `session:${userId}:${sessionId}`;

const refreshItem = (tokenHash: string, userId: string, sessionId: string, role: Role, expires: number) => ({
  ...sessionKeys.refreshToken(userId, tokenHash),
  entity: 'refresh_token',
  user_id: userId,
  session_id: sessionId,
  role, // carried on the token, so a rotation needs no second read (which would race a concurrent reuse)
  spent: false,
  ttl: expires,
});

/** Session items as sessions, without the expired ones TTL has not removed yet. */
const openSessions = (items: Item[]): Promise<OpenSession[]> =>
  Promise.all(
    items
      .filter((item) => item.ttl > epochSeconds())
      .map(async (item) => {
        const sessionId = String(item.SK).slice(SESSION.length);
        const client = item.client_sealed ? JSON.parse(await openField(item.client_sealed, sessionClientContext(item.user_id, sessionId))) : {};
        return {
          sessionId,
          createdAt: item.created_at,
          lastUsedAt: item.last_used_at ?? item.created_at,
          expiresAt: item.ttl,
          device: client.device ?? 'Unknown device',
          network: client.network ?? 'unknown',
          method: item.method ?? 'password',
        };
      }),
  );

/** A session as its owner sees it: `current` marks the one the request came from. */
export const toPublicSession = (session: OpenSession, currentSessionId: string) => ({
  session_id: session.sessionId,
  device: session.device,
  network: session.network,
  method: session.method,
  created_at: session.createdAt,
  last_used_at: session.lastUsedAt,
  expires_at: new Date(session.expiresAt * 1000).toISOString(),
  current: session.sessionId === currentSessionId,
});

const ofUser = (userId: string) => ({ ...inPartition(userPartition(userId), SESSION), ConsistentRead: true });

/** A refresh token presented again after it was rotated. */
class TokenReused extends Error {}

/** A rotation's result: the new access token and refresh token. */
export interface RotatedPair {
  accessToken: string;
  refreshToken: string;
}

/** How long after its rotation a refresh token presented again gets the same pair (a duplicate, not a replay). */
export const REFRESH_GRACE_SECONDS = 10;

const successorContext = (refreshToken: string) => `refresh-successor:${sha256(refreshToken)}`;

/** A spent token presented again: within the grace period its rotation's pair, after it a replay that ends the family. */
async function duplicateOrReplay(token: Item, refreshToken: string): Promise<RotatedPair | undefined> {
  if (token.successor_sealed && Date.now() - token.spent_at <= REFRESH_GRACE_SECONDS * 1000) {
    if (!(await sessions.isOpen(token.user_id, token.session_id, token.role))) return undefined; // signed out meanwhile
    return JSON.parse(await openField(token.successor_sealed, successorContext(refreshToken)));
  }
  await sessions.end(token.user_id, token.session_id);
  return undefined;
}

export const sessions = {
  /**
   * Opens a session while the user's profile is still the version the sign-in checked (StaleVersion
   * otherwise: the profile changed or is gone). A password change, reset or role change rewrites the
   * profile before it ends every session, so a sign-in racing it either lands first and is ended, or
   * is refused: it can never open a session that outlives the change. `alsoHeld`: more conditions the
   * sign-in rests on (the passkey it used is still registered), checked in the same transaction.
   */
  async start(userId: string, role: Role, profileVersion: number, { device, network, method }: SignInOrigin, alsoHeld: Guarded[] = []): Promise<Session> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken(userId);
    const expires = epochSeconds() + REFRESH_TOKEN_SECONDS;
    const now = new Date().toISOString();
    const client = await sealField(JSON.stringify({ device, network }), sessionClientContext(userId, sessionId));
    await transact([
      guard(
        {
          ConditionCheck: {
            TableName: tableName(),
            Key: profileKey(userId),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': profileVersion },
          },
        },
        () => new StaleVersion(),
      ),
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...sessionKeys.session(userId, sessionId),
            entity: 'session',
            user_id: userId,
            role,
            method,
            client_sealed: client,
            created_at: now,
            last_used_at: now,
            ttl: expires,
          },
        },
      },
      { Put: { TableName: tableName(), Item: refreshItem(sha256(refreshToken), userId, sessionId, role, expires) } },
      ...alsoHeld,
    ]);
    return { userId, sessionId, role, refreshToken };
  },

  /**
   * A transaction's condition that the session is still open: a credential added in its name lands
   * only while it is, so one racing "sign out everywhere" (or a "this wasn't me" link) is refused
   * rather than outliving it.
   */
  stillOpen: (userId: string, sessionId: string): Guarded =>
    guard(
      {
        ConditionCheck: {
          TableName: tableName(),
          Key: sessionKeys.session(userId, sessionId),
          ConditionExpression: 'attribute_exists(PK) AND #ttl > :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': epochSeconds() },
        },
      },
      () => new NotAuthenticated(SESSION_ENDED),
    ),

  /** Whether the session is open, for the role it was opened with (a token claiming another role is not believed). */
  async isOpen(userId: string, sessionId: string, role: Role): Promise<boolean> {
    const session = await batchedGet(sessionKeys.session(userId, sessionId));
    return session !== undefined && session.ttl > epochSeconds() && session.role === role;
  },

  /**
   * Rotates a refresh token into a new pair. Undefined for an unknown, expired or reused token (reuse
   * ends the family). A token presented again within REFRESH_GRACE_SECONDS of its rotation (two tabs,
   * a network retry) gets the very pair its rotation made, kept sealed on the spent token's item;
   * after that, presenting it is a replay.
   */
  async rotate(refreshToken: string): Promise<RotatedPair | undefined> {
    const owner = refreshTokenUser(refreshToken);
    if (!owner) return undefined;
    const tokenKey = sessionKeys.refreshToken(owner, sha256(refreshToken));
    const token = await batchedGet(tokenKey);
    if (!token || token.ttl <= epochSeconds()) return undefined;
    const { user_id: userId, session_id: sessionId } = token;
    if (token.spent) return duplicateOrReplay(token, refreshToken);

    const next = newRefreshToken(userId);
    const pair: RotatedPair = {
      accessToken: await signAccessToken({ sub: userId, role: token.role, sid: sessionId }),
      refreshToken: next,
    };
    const expires = epochSeconds() + REFRESH_TOKEN_SECONDS;
    try {
      await transact([
        guard(
          {
            Update: {
              TableName: tableName(),
              Key: tokenKey,
              UpdateExpression: 'SET spent = :true, spent_at = :nowMs, successor_sealed = :successor',
              ConditionExpression: 'spent = :false',
              ExpressionAttributeValues: {
                ':true': true,
                ':false': false,
                ':nowMs': Date.now(),
                ':successor': await sealField(JSON.stringify(pair), successorContext(refreshToken)),
              },
            },
          },
          () => new TokenReused(),
        ),
        {
          Update: {
            TableName: tableName(),
            Key: sessionKeys.session(userId, sessionId),
            UpdateExpression: 'SET #ttl = :expires, last_used_at = :now',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':expires': expires, ':now': new Date().toISOString() },
          },
        },
        { Put: { TableName: tableName(), Item: refreshItem(sha256(next), userId, sessionId, token.role, expires) } },
      ]);
    } catch (error) {
      // Spent by a concurrent request: the same pair if it was a duplicate, else a replay. The session closed meanwhile: nothing to do.
      if (error instanceof TokenReused) {
        const spent = await db.send(new GetCommand({ TableName: tableName(), Key: tokenKey, ConsistentRead: true }));
        return spent.Item ? duplicateOrReplay(spent.Item, refreshToken) : undefined;
      }
      if (!(error instanceof StaleVersion)) throw error;
      return undefined;
    }
    return pair;
  },

  async end(userId: string, sessionId: string): Promise<void> {
    await db.send(new DeleteCommand({ TableName: tableName(), Key: sessionKeys.session(userId, sessionId) }));
  },

  /** A user's open sessions. */
  all: async (userId: string): Promise<OpenSession[]> => openSessions(await everything(pages(ofUser(userId)))),

  /** One page of a user's open sessions, in session-id order. */
  async page(userId: string, limit: number, startKey?: Key) {
    const { items, lastKey } = await queryPage({ ...ofUser(userId), Limit: limit }, startKey);
    return { items: await openSessions(items), lastKey };
  },

  /** Closes every session of a user (password change, role change, account deletion), read consistently: one opened a moment ago too. */
  endAll: (userId: string) => deleteUserPartition(userId, SESSION, { consistent: true }),
};
