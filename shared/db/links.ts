/**
 * The mailed-link entity: a single-use token that a mail's link carries (password reset, invitation,
 * email change confirmation and cancellation, undoing an added second factor). Most purposes keep one
 * item per account, so issuing a new link replaces the old one: only the newest is valid. An email
 * change's cancel link and a factor notice's undo link are kept per issue (`LINK#<purpose>#<link id>`),
 * so a second change leaves the first one's "this wasn't me" link working; link ids sort by the time they were issued, so "the changes after this one" is a Query.
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `USER#<user_id>`, `LINK#<purpose>` or `LINK#<purpose>#<link id>` (the account's partition: deleted with it) |
 * | entity | `link` |
 * | token_hash | keyed hash of the token (never the token) |
 * | data_sealed? | what the link carries (the address it was mailed to, an email change's addresses): AES-256-GCM bound to the item |
 * | created_at, ttl | when it was issued; when it stops working (checked at use; TTL deletes it later) |
 *
 * The token is `<user_id>.<256 random bits>`, or `<user_id>.<link id>.<256 random bits>` for a link kept
 * per change: the id (and link id) find the item, the random part proves the mail was read.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { keyedHash, keyedHashes } from '../crypto/hash.ts';
import { deleteKeys } from './batch.ts';
import { db, tableName } from './client.ts';
import { everything, pages } from './query.ts';
import { epochSeconds, type Item } from './table.ts';
import { userPartition } from './user-partition.ts';
import { type Guarded, guard } from './writes.ts';

export type LinkPurpose = 'reset' | 'invite' | 'email-confirm' | 'email-cancel' | 'factor-undo';

/** The purposes kept per issue (each link under its own id), not one per account. */
const PER_ISSUE: ReadonlySet<LinkPurpose> = new Set(['email-cancel', 'factor-undo']);

export interface Link {
  userId: string;
  purpose: LinkPurpose;
  /** For a purpose kept per issue: which link. */
  linkId?: string;
  tokenHash: string;
  /** When it was issued (ISO 8601). */
  issuedAt: string;
  /** What was sealed with it, parsed. */
  data: Record<string, string>;
}

const sortKey = (purpose: LinkPurpose, linkId?: string) => (linkId ? `LINK#${purpose}#${linkId}` : `LINK#${purpose}`);
const linkKey = (userId: string, purpose: LinkPurpose, linkId?: string) => ({ PK: userPartition(userId), SK: sortKey(purpose, linkId) });
const hashPurpose = (purpose: LinkPurpose) => `link-token:${purpose}`;
export const linkContext = (userId: string, purpose: LinkPurpose, linkId?: string) => `link:${userId}:${purpose}${linkId ? `:${linkId}` : ''}`;
const TOKEN = /^([0-9a-f-]{36})\.(?:([0-9a-z]{16})\.)?[\w-]{43}$/;

/** A new link id: the time in base 36 (fixed width, so ids sort as they were issued) and random digits. */
const newLinkId = () => Date.now().toString(36).padStart(10, '0') + randomBytes(3).toString('hex');

/** The account a token names, when it is shaped like a link token. */
export const linkTokenUser = (token: string) => TOKEN.exec(token)?.[1];

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const links = {
  /** Issues a link for the account, replacing any earlier one of the purpose; returns the token, whose only copy goes out by mail. */
  async issue(userId: string, purpose: LinkPurpose, seconds: number, data?: Record<string, string>): Promise<string> {
    const { token, put } = await links.prepare(userId, purpose, seconds, data);
    await db.send(new PutCommand(put.Put));
    return token;
  },

  /** A link to write in the caller's own transaction (with the change it is about): its token and its Put. */
  async prepare(userId: string, purpose: LinkPurpose, seconds: number, data?: Record<string, string>) {
    const linkId = PER_ISSUE.has(purpose) ? newLinkId() : undefined;
    const token = `${userId}.${linkId ? `${linkId}.` : ''}${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    const Item = {
      ...linkKey(userId, purpose, linkId),
      entity: 'link',
      token_hash: await keyedHash(hashPurpose(purpose), token),
      ...(data && { data_sealed: await sealField(JSON.stringify(data), linkContext(userId, purpose, linkId)) }),
      created_at: now.toISOString(),
      ttl: epochSeconds(now.getTime()) + seconds,
    };
    return { token, put: { Put: { TableName: tableName(), Item } } };
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
    const [, userId, linkId] = TOKEN.exec(token) ?? [];
    if (!userId || PER_ISSUE.has(purpose) !== (linkId !== undefined)) return undefined;
    const { Item: item } = await db.send(new GetCommand({ TableName: tableName(), Key: linkKey(userId, purpose, linkId), ConsistentRead: true }));
    if (!item || item.ttl <= epochSeconds()) return undefined;
    const hashes = await keyedHashes(hashPurpose(purpose), token);
    if (!hashes.some(({ hash }) => same(hash, item.token_hash))) return undefined;
    const data = item.data_sealed ? JSON.parse(await openField(item.data_sealed, linkContext(userId, purpose, linkId))) : {};
    return { userId, purpose, ...(linkId && { linkId }), tokenHash: item.token_hash, issuedAt: item.created_at, data };
  },

  /**
   * The keys of the links of the same purpose issued after this one (a Query on the account's
   * partition, keys only; a purpose kept per account has none).
   */
  async issuedAfter(link: Link): Promise<Item[]> {
    if (!link.linkId) return [];
    const from = sortKey(link.purpose, link.linkId);
    const items = await everything(
      pages({
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': userPartition(link.userId), ':from': from, ':to': `LINK#${link.purpose}#~` },
        ProjectionExpression: 'PK, SK',
        ConsistentRead: true,
      }),
    );
    return items.filter(({ SK }) => SK !== from);
  },

  /** Deletes links by their keys, outside any transaction (what does not fit in one). */
  sweep: (keys: Item[]) => deleteKeys(keys),

  /** The transaction item that withdraws a link by its key. */
  withdrawKey: ({ PK, SK }: Item) => ({ Delete: { TableName: tableName(), Key: { PK, SK } } }),

  /** The transaction item that uses a link up: it must still be this one (a replay, a newer link or a concurrent use fails with `gone`). */
  consume: (link: Link, gone: () => Error): Guarded =>
    guard(
      {
        Delete: {
          TableName: tableName(),
          Key: linkKey(link.userId, link.purpose, link.linkId),
          ConditionExpression: 'token_hash = :hash',
          ExpressionAttributeValues: { ':hash': link.tokenHash },
        },
      },
      gone,
    ),

  /** The transaction item that withdraws the link of a purpose kept one per account, whichever it is. */
  withdraw: (userId: string, purpose: LinkPurpose) => ({ Delete: { TableName: tableName(), Key: linkKey(userId, purpose) } }),
};
