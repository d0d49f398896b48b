/**
 * The mailed-link entity: a single-use token that a mail's link carries (password reset, invitation,
 * email change confirmation and cancellation). One item per account and purpose, so issuing a new
 * link replaces the old one: only the newest is valid.
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `USER#<user_id>`, `LINK#<purpose>` (the account's partition: deleted with it) |
 * | entity | `link` |
 * | token_hash | keyed hash of the token (never the token) |
 * | data_sealed? | what the link carries (an email change's addresses): AES-256-GCM bound to the item |
 * | created_at, ttl | when it was issued; when it stops working (checked at use; TTL deletes it later) |
 *
 * The token is `<user_id>.<256 random bits>`: the id finds the item, the random part proves the mail was read.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { keyedHash, keyedHashes } from '../crypto/hash.ts';
import { db, tableName } from './client.ts';
import { epochSeconds } from './table.ts';
import { userPartition } from './user-partition.ts';
import { type Guarded, guard } from './writes.ts';

export type LinkPurpose = 'reset' | 'invite' | 'email-confirm' | 'email-cancel';

export interface Link {
  userId: string;
  purpose: LinkPurpose;
  tokenHash: string;
  /** What was sealed with it, parsed. */
  data: Record<string, string>;
}

const linkKey = (userId: string, purpose: LinkPurpose) => ({ PK: userPartition(userId), SK: `LINK#${purpose}` });
const hashPurpose = (purpose: LinkPurpose) => `link-token:${purpose}`;
const sealContext = (userId: string, purpose: LinkPurpose) => `link:${userId}:${purpose}`;
const TOKEN = /^([0-9a-f-]{36})\.[\w-]{43}$/;

/** The account a token names, when it is shaped like a link token. */
export const linkTokenUser = (token: string) => TOKEN.exec(token)?.[1];

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const links = {
  /** Issues a link for the account, replacing any earlier one of the purpose; returns the token, whose only copy goes out by mail. */
  async issue(userId: string, purpose: LinkPurpose, seconds: number, data?: Record<string, string>): Promise<string> {
    const token = `${userId}.${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    await db.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...linkKey(userId, purpose),
          entity: 'link',
          token_hash: await keyedHash(hashPurpose(purpose), token),
          ...(data && { data_sealed: await sealField(JSON.stringify(data), sealContext(userId, purpose)) }),
          created_at: now.toISOString(),
          ttl: epochSeconds(now.getTime()) + seconds,
        },
      }),
    );
    return token;
  },

  /**
   * The same work as `issue` for nobody: a write that is refused (it needs an item that does not
   * exist), so that a request for an unknown address takes as long as one for a known address.
   */
  async issueForNobody(purpose: LinkPurpose): Promise<void> {
    const nobody = '00000000-0000-4000-8000-000000000000';
    await db
      .send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...linkKey(nobody, purpose), entity: 'link', token_hash: await keyedHash(hashPurpose(purpose), nobody) },
          ConditionExpression: 'attribute_exists(PK)',
        }),
      )
      .catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      });
  },

  /** The unexpired, newest link a token names for the purpose, or undefined. */
  async find(token: string, purpose: LinkPurpose): Promise<Link | undefined> {
    const userId = linkTokenUser(token);
    if (!userId) return undefined;
    const { Item: item } = await db.send(new GetCommand({ TableName: tableName(), Key: linkKey(userId, purpose), ConsistentRead: true }));
    if (!item || item.ttl <= epochSeconds()) return undefined;
    const hashes = await keyedHashes(hashPurpose(purpose), token);
    if (!hashes.some(({ hash }) => same(hash, item.token_hash))) return undefined;
    const data = item.data_sealed ? JSON.parse(await openField(item.data_sealed, sealContext(userId, purpose))) : {};
    return { userId, purpose, tokenHash: item.token_hash, data };
  },

  /** The transaction item that uses a link up: it must still be this one (a replay, a newer link or a concurrent use fails with `gone`). */
  consume: (link: Link, gone: () => Error): Guarded =>
    guard(
      {
        Delete: {
          TableName: tableName(),
          Key: linkKey(link.userId, link.purpose),
          ConditionExpression: 'token_hash = :hash',
          ExpressionAttributeValues: { ':hash': link.tokenHash },
        },
      },
      gone,
    ),

  /** The transaction item that withdraws a link, whichever it is. */
  withdraw: (userId: string, purpose: LinkPurpose) => ({ Delete: { TableName: tableName(), Key: linkKey(userId, purpose) } }),
};
