/**
 * Sessions are refresh-token families. The session item (in the user's partition) is what keeps a
 * family's access tokens valid; each refresh token is its own item keyed by its SHA-256, marked spent
 * when rotated, so presenting a spent one is detected as reuse and closes the whole family.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { StartKey } from '../crypto/cursor.ts';
import { sha256 } from '../crypto/hash.ts';
import { newRefreshToken, REFRESH_TOKEN_SECONDS, refreshTokenUser } from '../crypto/tokens.ts';
import type { Role } from '../domain/user.ts';
import { deletePartition } from './batch.ts';
import { db, tableName } from './client.ts';
import { getItem } from './get-item.ts';
import { epochSeconds, keys } from './keys.ts';
import { queryAll, queryPage } from './query.ts';
import type { Item } from './table.ts';
import { guard, ownerExists, StaleVersion, transact } from './writes.ts';

export interface Session {
  userId: string;
  sessionId: string;
  role: Role;
  refreshToken: string;
}

const refreshItem = (tokenHash: string, userId: string, sessionId: string, role: Role, expires: number) => ({
  ...keys.refreshToken(userId, tokenHash),
  entity: 'refresh_token',
  user_id: userId,
  session_id: sessionId,
  role, // carried on the token, so a rotation needs no second read (which would race a concurrent reuse)
  spent: false,
  ttl: expires,
});

export interface OpenSession {
  sessionId: string;
  createdAt: string;
  expiresAt: number;
}

const ofUser = (userId: string) => ({
  KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
  ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':prefix': keys.sessionPrefix },
});

/** Session items as sessions, without the expired ones TTL has not removed yet. */
const openSessions = (items: Item[]): OpenSession[] =>
  items
    .filter((item) => item.ttl > epochSeconds())
    .map((item) => ({ sessionId: String(item.SK).slice(keys.sessionPrefix.length), createdAt: item.created_at, expiresAt: item.ttl }));

/** A session as its owner sees it: `current` marks the one the request came from. */
export const toPublicSession = (session: OpenSession, currentSessionId: string) => ({
  session_id: session.sessionId,
  created_at: session.createdAt,
  expires_at: new Date(session.expiresAt * 1000).toISOString(),
  current: session.sessionId === currentSessionId,
});

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
          Item: { ...keys.session(userId, sessionId), entity: 'session', role, created_at: new Date().toISOString(), ttl: expires },
        },
      },
      { Put: { TableName: tableName(), Item: refreshItem(sha256(refreshToken), userId, sessionId, role, expires) } },
    ]);
    return { userId, sessionId, role, refreshToken };
  },

  async isActive(userId: string, sessionId: string): Promise<boolean> {
    const session = await getItem(keys.session(userId, sessionId));
    return session !== undefined && session.ttl > epochSeconds();
  },

  /** Rotates a refresh token. Returns undefined for an unknown, expired or reused token (reuse ends the family). */
  async rotate(refreshToken: string): Promise<Session | undefined> {
    const owner = refreshTokenUser(refreshToken);
    if (!owner) return undefined;
    const tokenKey = keys.refreshToken(owner, sha256(refreshToken));
    const token = await getItem(tokenKey);
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
            Key: keys.session(userId, sessionId),
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
    await db.send(new DeleteCommand({ TableName: tableName(), Key: keys.session(userId, sessionId) }));
  },

  /** A user's open sessions. */
  async list(userId: string): Promise<OpenSession[]> {
    return openSessions(await queryAll({ ...ofUser(userId), ConsistentRead: true }));
  },

  /** One page of a user's open sessions, in session-id order. */
  async page(userId: string, limit: number, startKey?: StartKey) {
    const { items, lastKey } = await queryPage({ ...ofUser(userId), ConsistentRead: true, Limit: limit }, startKey);
    return { items: openSessions(items), lastKey };
  },

  /** Closes every session of a user (password change, role change, account deletion). */
  endAll: (userId: string) => deletePartition(keys.userPartition(userId), keys.sessionPrefix),
};
