/**
 * The session entity and its refresh tokens. A session is a refresh-token family: the session item
 * keeps the family's access tokens valid; each refresh token is its own item, marked spent when
 * rotated, so presenting a spent one is detected as reuse and closes the whole family.
 *
 * | item | PK, SK | attributes |
 * | --- | --- | --- |
 * | session | `USER#<user_id>`, `SESSION#<session_id>` | entity `session`, role, created_at, ttl (30 days, extended on refresh) |
 * | refresh token | `USER#<user_id>`, `REFRESH#<sha256 of the token>` | entity `refresh_token`, user_id, session_id, role, spent, ttl |
 *
 * Both live in the account's partition (user-partition.ts), so deleting the account deletes them.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { sha256 } from '../crypto/hash.ts';
import { newRefreshToken, REFRESH_TOKEN_SECONDS, refreshTokenUser } from '../crypto/tokens.ts';
import type { Role } from '../domain/user.ts';
import { db, tableName } from './client.ts';
import { everything, inPartition, type Key, pages, queryPage } from './query.ts';
import { batchedGet } from './read-batch.ts';
import { epochSeconds, type Item } from './table.ts';
import { deleteUserPartition, ownerExists, userPartition } from './user-partition.ts';
import { guard, StaleVersion, transact } from './writes.ts';

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

export interface OpenSession {
  sessionId: string;
  createdAt: string;
  expiresAt: number;
}

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
const openSessions = (items: Item[]): OpenSession[] =>
  items
    .filter((item) => item.ttl > epochSeconds())
    .map((item) => ({ sessionId: String(item.SK).slice(SESSION.length), createdAt: item.created_at, expiresAt: item.ttl }));

/** A session as its owner sees it: `current` marks the one the request came from. */
export const toPublicSession = (session: OpenSession, currentSessionId: string) => ({
  session_id: session.sessionId,
  created_at: session.createdAt,
  expires_at: new Date(session.expiresAt * 1000).toISOString(),
  current: session.sessionId === currentSessionId,
});

const ofUser = (userId: string) => ({ ...inPartition(userPartition(userId), SESSION), ConsistentRead: true });

/** A refresh token presented again after it was rotated. */
class TokenReused extends Error {}

export const sessions = {
  /** Opens a session for an existing user (OwnerGone: a sign-in lost the race with the account's deletion). */
  async start(userId: string, role: Role): Promise<Session> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken(userId);
    const expires = epochSeconds() + REFRESH_TOKEN_SECONDS;
    await transact([
      ownerExists(userId),
      {
        Put: {
          TableName: tableName(),
          Item: { ...sessionKeys.session(userId, sessionId), entity: 'session', role, created_at: new Date().toISOString(), ttl: expires },
        },
      },
      { Put: { TableName: tableName(), Item: refreshItem(sha256(refreshToken), userId, sessionId, role, expires) } },
    ]);
    return { userId, sessionId, role, refreshToken };
  },

  /** The session check: whether the session is open (read in the request's read batch). */
  /** Whether the session is open, for the role it was opened with (a token claiming another role is not believed). */
  async isOpen(userId: string, sessionId: string, role: Role): Promise<boolean> {
    const session = await batchedGet(sessionKeys.session(userId, sessionId));
    return session !== undefined && session.ttl > epochSeconds() && session.role === role;
  },

  /** Rotates a refresh token. Returns undefined for an unknown, expired or reused token (reuse ends the family). */
  async rotate(refreshToken: string): Promise<Session | undefined> {
    const owner = refreshTokenUser(refreshToken);
    if (!owner) return undefined;
    const tokenKey = sessionKeys.refreshToken(owner, sha256(refreshToken));
    const token = await batchedGet(tokenKey);
    if (!token || token.ttl <= epochSeconds()) return undefined;
    const { user_id: userId, session_id: sessionId } = token;
    if (token.spent) return void (await sessions.end(userId, sessionId));

    const next = newRefreshToken(userId);
    const expires = epochSeconds() + REFRESH_TOKEN_SECONDS;
    try {
      await transact([
        guard(
          {
            Update: {
              TableName: tableName(),
              Key: tokenKey,
              UpdateExpression: 'SET spent = :true',
              ConditionExpression: 'spent = :false',
              ExpressionAttributeValues: { ':true': true, ':false': false },
            },
          },
          () => new TokenReused(),
        ),
        {
          Update: {
            TableName: tableName(),
            Key: sessionKeys.session(userId, sessionId),
            UpdateExpression: 'SET #ttl = :expires',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':expires': expires },
          },
        },
        { Put: { TableName: tableName(), Item: refreshItem(sha256(next), userId, sessionId, token.role, expires) } },
      ]);
    } catch (error) {
      // Spent by a concurrent request (a replay): close the family. The session closed meanwhile: nothing to do.
      if (error instanceof TokenReused) await sessions.end(userId, sessionId);
      else if (!(error instanceof StaleVersion)) throw error;
      return undefined;
    }
    return { userId, sessionId, role: token.role, refreshToken: next };
  },

  async end(userId: string, sessionId: string): Promise<void> {
    await db.send(new DeleteCommand({ TableName: tableName(), Key: sessionKeys.session(userId, sessionId) }));
  },

  /** A user's open sessions. */
  all: async (userId: string): Promise<OpenSession[]> => openSessions(await everything(pages(ofUser(userId)))),

  /** One page of a user's open sessions, in session-id order. */
  async page(userId: string, limit: number, startKey?: Key) {
    const { items, lastKey } = await queryPage({ ...ofUser(userId), Limit: limit }, startKey);
    return { items: openSessions(items), lastKey };
  },

  /** Closes every session of a user (password change, role change, account deletion). */
  endAll: (userId: string) => deleteUserPartition(userId, SESSION),
};
