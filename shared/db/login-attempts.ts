/**
 * Password attempts (sign-in and re-authentication), counted before the password is checked, so a
 * burst of parallel guesses cannot outrun the count. Each subject has two counters, each in a
 * 15-minute window opened by its first attempt:
 * - per source network: 5 failures lock that network out of that account until the window ends;
 * - per account, from anywhere: past 10 failures, one attempt every 5 seconds (slowed, never
 *   locked, so nobody can lock an owner out by knowing their email).
 * A right password gives its attempt back; it never erases other failures, so it cannot lift a lock.
 * The subject is the account's partition (USER#<id>, see keys.ts), whichever identifier named it;
 * an identifier that names no account gets the same items and the same work under a keyed hash.
 * Addresses are stored only as keyed hashes.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keyedHash } from '../crypto/hash.ts';
import { db, tableName } from './client.ts';
import { getItem } from './get-item.ts';
import { epochSeconds, keys } from './keys.ts';
import type { Item } from './table.ts';
import { conditionally } from './writes.ts';

export const WINDOW_SECONDS = 15 * 60;
export const SOURCE_MAX_FAILURES = 5;
export const ACCOUNT_SLOW_AFTER = 10;
export const ACCOUNT_INTERVAL_MS = 5_000;

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
 * What an address is counted by: an IPv4 address, or an IPv6 address's /64 (one subscriber's
 * network, in which they may pick any address).
 */
export function sourceNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head, tail] = ip.split('::');
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) {
    const rest = tail ? tail.split(':') : [];
    groups.push(...Array<string>(Math.max(0, 8 - groups.length - rest.length)).fill('0'), ...rest);
  }
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

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
