/**
 * The uniqueness marker entity: an email or a username taken by an account.
 *
 * | attribute | value |
 * | --- | --- |
 * | PK, SK | `EMAIL#<keyed hash of the lower-case email>`, `EMAIL`; or `USERNAME#<keyed hash>`, `USERNAME` |
 * | entity | `marker` |
 * | user_id | the account that holds the value |
 *
 * A marker is written in the same transaction as the profile, with `attribute_not_exists(PK)`, so two
 * sign-ups with one email cannot both succeed; the key holds a keyed hash, never the value. After a key
 * rotation a marker made under a retired key still counts as taken and is still found.
 */
import { keyedHashes } from '../crypto/hash.ts';
import { normaliseEmail, normaliseUsername } from '../domain/user.ts';
import { Conflict } from '../errors.ts';
import { tableName } from './client.ts';
import { batchedGet } from './read-batch.ts';
import { type Guarded, guard, type TransactItem } from './writes.ts';

export type Unique = 'email' | 'username';

/** The value is another account's. */
export class UniquenessConflict extends Conflict {
  constructor(readonly field: Unique) {
    super(`That ${field} is already registered.`, [{ path: `body.${field}`, message: `${field} is taken` }]);
  }
}

export const markerKey = (field: Unique, hash: string) =>
  field === 'email' ? { PK: `EMAIL#${hash}`, SK: 'EMAIL' } : { PK: `USERNAME#${hash}`, SK: 'USERNAME' };

/** The marker keys of a value: its keyed hash under every key in use, the current one first. */
async function keysOf(field: Unique, value: string) {
  const normalised = field === 'email' ? normaliseEmail(value) : normaliseUsername(value);
  return (await keyedHashes(field, normalised)).map(({ hash }) => markerKey(field, hash));
}

export const markers = {
  /** The transaction items that take a value: a marker under the current key, and none under a retired one (else UniquenessConflict). */
  async claim(field: Unique, value: string, userId: string): Promise<Guarded[]> {
    const [current, ...retired] = await keysOf(field, value);
    const taken = () => new UniquenessConflict(field);
    return [
      guard(
        { Put: { TableName: tableName(), Item: { ...current, entity: 'marker', user_id: userId }, ConditionExpression: 'attribute_not_exists(PK)' } },
        taken,
      ),
      ...retired.map((Key) => guard({ ConditionCheck: { TableName: tableName(), Key, ConditionExpression: 'attribute_not_exists(PK)' } }, taken)),
    ];
  },

  /** The transaction items that give a value up, under whichever key its marker was made (another owner's marker: StaleVersion). */
  async release(field: Unique, value: string, userId: string): Promise<TransactItem[]> {
    return (await keysOf(field, value)).map((Key) => ({
      Delete: { TableName: tableName(), Key, ConditionExpression: 'attribute_not_exists(PK) OR user_id = :me', ExpressionAttributeValues: { ':me': userId } },
    }));
  },

  /** The id of the account that holds a value, from its marker alone. */
  async holder(field: Unique, value: string): Promise<string | undefined> {
    for (const key of await keysOf(field, value)) {
      const marker = await batchedGet(key);
      if (marker) return marker.user_id;
    }
    return undefined;
  },
};
