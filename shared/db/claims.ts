/**
 * The sign-up claim entity: a registration waiting for its address to be proven. A claim is not an
 * account: it holds no uniqueness marker, never signs in, and becomes an account only when the link
 * mailed to its address is followed (services/sign-up.ts). Several claims of one address may coexist
 * (a squatter's and the owner's); the first verified wins and the others are deleted.
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `SIGNUP#<keyed hash of the verification token>`, `SIGNUP` |
 * | GSI1PK, GSI1SK | `EMAIL#<keyed hash of the lower-case email>#SIGNUPS`, `<created_at>`: the address's claims |
 * | entity | `signup_claim` |
 * | password_hash, created_at | the bcrypt hash of the chosen password, when it was made |
 * | details_sealed | email, name and the other profile fields: one AES-256-GCM field bound to the key |
 * | ttl | 24 hours after it was made (TTL deletes it within a day or two; it is checked at use too) |
 *
 * The token (256 random bits) is stored only as its keyed hash; the address only as a keyed hash and sealed.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { openField, sealField } from '../crypto/field-cipher.ts';
import { keyedHash } from '../crypto/hash.ts';
import { normaliseEmail } from '../domain/user.ts';
import { db, tableName } from './client.ts';
import { everything, pages } from './query.ts';
import { epochSeconds, type Item, table } from './table.ts';
import { type Guarded, guard } from './writes.ts';

export const CLAIM_SECONDS = 24 * 60 * 60;

export interface ClaimDetails {
  email: string;
  name: string;
  username?: string;
  phone?: string;
  country?: string;
  dob?: string;
  address?: string;
  gender?: string;
}

export interface Claim {
  details: ClaimDetails;
  passwordHash: string;
  /** The item's key, for the transaction that turns the claim into an account. */
  key: { PK: string; SK: string };
}

const claimKey = async (token: string) => ({ PK: `SIGNUP#${await keyedHash('signup-token', token)}`, SK: 'SIGNUP' });
const addressClaims = async (email: string) => `EMAIL#${await keyedHash('email', normaliseEmail(email))}#SIGNUPS`;
export const claimContext = (pk: string) => `signup:${pk}`;

export const claims = {
  /** Stores a claim and returns its verification token, the only copy of which goes out by mail. */
  async create(details: ClaimDetails, passwordHash: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const key = await claimKey(token);
    const now = new Date();
    const item: Item = {
      ...key,
      GSI1PK: await addressClaims(details.email),
      GSI1SK: now.toISOString(),
      entity: 'signup_claim',
      password_hash: passwordHash,
      created_at: now.toISOString(),
      details_sealed: await sealField(JSON.stringify(details), claimContext(key.PK)),
      ttl: epochSeconds(now.getTime()) + CLAIM_SECONDS,
    };
    await db.send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(PK)' }));
    return token;
  },

  /** The unexpired claim a token names, or undefined. */
  async find(token: string): Promise<Claim | undefined> {
    if (!/^[\w-]{43}$/.test(token)) return undefined;
    const key = await claimKey(token);
    const { Item: item } = await db.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
    if (!item || item.ttl <= epochSeconds()) return undefined;
    return { key, passwordHash: item.password_hash, details: JSON.parse(await openField(item.details_sealed, claimContext(key.PK))) };
  },

  /** The transaction item that uses a claim up: it must still be there (a replay or a concurrent use fails with `gone`). */
  consume: (claim: Claim, gone: () => Error): Guarded =>
    guard({ Delete: { TableName: tableName(), Key: claim.key, ConditionExpression: 'attribute_exists(PK)' } }, gone),

  remove: (claim: Claim) => db.send(new DeleteCommand({ TableName: tableName(), Key: claim.key })),

  /** Deletes every claim of an address (once its owner holds it, none of them can ever become an account). */
  async removeAll(email: string): Promise<void> {
    const items = await everything(
      pages({ IndexName: table.gsi1.indexName, KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': await addressClaims(email) } }),
    );
    await Promise.all(items.map(({ PK, SK }) => db.send(new DeleteCommand({ TableName: tableName(), Key: { PK, SK } }))));
  },
};
