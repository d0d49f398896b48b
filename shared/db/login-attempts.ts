/**
 * Password-attempt counters: the sign-in policy (domain/sign-in.ts) counted atomically, each
 * attempt before the password is checked, so a burst of parallel guesses cannot outrun the count.
 * The subject is the account's partition (USER#<id>), whichever identifier named it; an identifier
 * that names no account gets the same items and the same work under a keyed hash. Addresses are
 * stored only as keyed hashes.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keyedHash } from '../crypto/hash.ts';
import { ACCOUNT_INTERVAL_MS, ACCOUNT_SLOW_AFTER, SOURCE_MAX_FAILURES, sourceNetwork, WINDOW_SECONDS } from '../domain/sign-in.ts';
import { db, tableName } from './client.ts';
import { getItem } from './get-item.ts';
import { epochSeconds, keys } from './keys.ts';
import type { Item } from './table.ts';
import { conditionally } from './writes.ts';

type Key = { PK: string; SK: string };
/** An attempt counted in a window (so that a right password can give it back to the same window). */
interface Counted {
  key: Key;
  windowStart: number;
}
export type Claim = { counted: Counted[] } | { refused: 'source' | 'account'; retryAfter: number };

export const attemptsSubject = {
  user: (userId: string) => keys.userPartition(userId),
  unknown: async (identifier: string) => keys.unknownAttemptsSubject(await keyedHash('login', identifier)),
};

/**
 * Counts one attempt: opens a new window when there is none (or it is over), else adds to the open
 * one if `gate` allows. `sets` are assignments made with every attempt. Returns the window counted
 * in, or the item that refused.
 */
async function count(key: Key, gate: string, gateValues: Item, sets: string[] = [], setValues: Item = {}): Promise<{ counted: Counted } | { refused: Item }> {
  for (;;) {
    const now = epochSeconds();
    const opened = await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          UpdateExpression: `SET ${['failures = :one', 'window_start = :now', '#ttl = :expires', ...sets].join(', ')}`,
          ConditionExpression: 'attribute_not_exists(PK) OR window_start <= :cutoff',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':cutoff': now - WINDOW_SECONDS, ':expires': now + WINDOW_SECONDS, ...setValues },
        }),
      ),
    );
    if (opened) return { counted: { key, windowStart: now } };
    const added = await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}ADD failures :one`,
          ConditionExpression: `window_start > :cutoff AND (${gate})`,
          ExpressionAttributeValues: { ':one': 1, ':cutoff': now - WINDOW_SECONDS, ...gateValues, ...setValues },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (added) return { counted: { key, windowStart: added.Attributes?.window_start as number } };
    const item = await getItem(key);
    if (item && item.window_start > epochSeconds() - WINDOW_SECONDS) return { refused: item };
    // The window ended between the two writes: open the next one.
  }
}

async function giveBack({ key, windowStart }: Counted): Promise<void> {
  // A window that is over has nothing to give back: its condition fails.
  await conditionally(() =>
    db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'ADD failures :minus',
        ConditionExpression: 'window_start = :start',
        ExpressionAttributeValues: { ':minus': -1, ':start': windowStart },
      }),
    ),
  );
}

export const loginAttempts = {
  /** Counts an attempt on the subject from this address, or says why not and for how long. */
  async claim(subject: string, sourceIp: string): Promise<Claim> {
    const sourceHash = await keyedHash('login-source', `${subject}:${sourceNetwork(sourceIp)}`);
    const source = await count(keys.sourceAttempts(subject, sourceHash), 'failures < :max', { ':max': SOURCE_MAX_FAILURES });
    if ('refused' in source) return { refused: 'source', retryAfter: source.refused.window_start + WINDOW_SECONDS - epochSeconds() };
    const now = Date.now();
    const account = await count(
      keys.accountAttempts(subject),
      'failures < :slowAfter OR next_at <= :nowMs',
      { ':slowAfter': ACCOUNT_SLOW_AFTER, ':nowMs': now },
      ['next_at = :next'],
      { ':next': now + ACCOUNT_INTERVAL_MS },
    );
    if ('refused' in account) {
      await giveBack(source.counted); // not evaluated, so not a failure from this address
      return { refused: 'account', retryAfter: (account.refused.next_at - Date.now()) / 1000 };
    }
    return { counted: [source.counted, account.counted] };
  },

  /** A right password: its attempt is not a failure. */
  async giveBack(claim: { counted: Counted[] }): Promise<void> {
    await Promise.all(claim.counted.map(giveBack));
  },
};
