/**
 * The sign-in counter entity: the sign-in policy (domain/sign-in.ts) counted atomically, each attempt
 * before the password is checked, so a burst of parallel guesses cannot outrun the count.
 *
 * | item | PK, SK | attributes |
 * | --- | --- | --- |
 * | per account | subject, `LOGIN#ACCOUNT` | failures, window_start, next_at (ms), ttl (15 minutes) |
 * | per source network | subject, `LOGIN#SOURCE#<keyed hash of subject and network>` | failures, window_start, ttl |
 * | the same two for a sign-in carrying a code with its password | subject, `LOGIN#CODE#ACCOUNT`, `LOGIN#CODE#SOURCE#<hash>` | as above |
 *
 * The subject is the account's partition (`USER#<id>`, user-partition.ts), whichever identifier named
 * it, so deleting the account deletes its counters; an identifier that names no account gets the same
 * items and the same work under `LOGIN#<keyed hash of the identifier>`. Addresses are stored only as
 * keyed hashes.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keyedHash } from '../crypto/hash.ts';
import { ACCOUNT_INTERVAL_MS, ACCOUNT_SLOW_AFTER, SOURCE_MAX_FAILURES, sourceNetwork, WINDOW_SECONDS } from '../domain/sign-in.ts';
import { db, tableName } from './client.ts';
import { epochSeconds, type Item, type ItemKey } from './table.ts';
import { userPartition } from './user-partition.ts';
import { conditionally } from './writes.ts';

export const attemptsSubject = {
  user: (userId: string) => userPartition(userId),
  unknown: async (identifier: string) => `LOGIN#${await keyedHash('login', identifier)}`,
};

/** `scope`: '' for passwords, 'CODE#' for a sign-in that carries a code with its password (counted apart: see services/accounts.ts). */
export type AttemptScope = '' | 'CODE#';
const accountCounter = (subject: string, scope: AttemptScope = '') => ({ PK: subject, SK: `LOGIN#${scope}ACCOUNT` });
const sourceCounter = (subject: string, sourceHash: string, scope: AttemptScope = '') => ({ PK: subject, SK: `LOGIN#${scope}SOURCE#${sourceHash}` });

/** An attempt counted in a window (so that a right password can give it back to the same window). */
interface Counted {
  key: ItemKey;
  windowStart: number;
}
export type Claim = { counted: Counted[] } | { refused: 'source' | 'account'; retryAfter: number };

/**
 * Counts one attempt: opens a new window when there is none (or it is over), else adds to the open
 * one if `gate` allows. `sets` are assignments made with every attempt. Returns the window counted
 * in, or the counter as it stood when it refused.
 */
async function count(
  key: ItemKey,
  gate: string,
  gateValues: Item,
  sets: string[] = [],
  setValues: Item = {},
): Promise<{ counted: Counted } | { refused: Item }> {
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
    if (opened.written) return { counted: { key, windowStart: now } };
    const added = await conditionally(() =>
      db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}ADD failures :one`,
          ConditionExpression: `window_start > :cutoff AND (${gate})`,
          ExpressionAttributeValues: { ':one': 1, ':cutoff': now - WINDOW_SECONDS, ...gateValues, ...setValues },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (added.written) return { counted: { key, windowStart: added.output.Attributes?.window_start as number } };
    if (added.current && added.current.window_start > now - WINDOW_SECONDS) return { refused: added.current };
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
    const source = await loginAttempts.claimSource(subject, sourceIp);
    if ('refused' in source) return source;
    const account = await loginAttempts.claimAccount(subject);
    if ('refused' in account) {
      await loginAttempts.giveBack(source); // not evaluated, so not a failure from this address
      return account;
    }
    return { counted: [...source.counted, ...account.counted] };
  },

  /** Counts an attempt on the subject's counter of this source network only. */
  async claimSource(subject: string, sourceIp: string, scope: AttemptScope = ''): Promise<Claim> {
    const sourceHash = await keyedHash('login-source', `${subject}:${sourceNetwork(sourceIp)}`);
    const source = await count(sourceCounter(subject, sourceHash, scope), 'failures < :max', { ':max': SOURCE_MAX_FAILURES });
    if ('refused' in source) return { refused: 'source', retryAfter: source.refused.window_start + WINDOW_SECONDS - epochSeconds() };
    return { counted: [source.counted] };
  },

  /** Counts an attempt on the subject's account-wide counter only. */
  async claimAccount(subject: string, scope: AttemptScope = ''): Promise<Claim> {
    const now = Date.now();
    const account = await count(
      accountCounter(subject, scope),
      'failures < :slowAfter OR next_at <= :nowMs',
      { ':slowAfter': ACCOUNT_SLOW_AFTER, ':nowMs': now },
      ['next_at = :next'],
      { ':next': now + ACCOUNT_INTERVAL_MS },
    );
    if ('refused' in account) return { refused: 'account', retryAfter: (account.refused.next_at - Date.now()) / 1000 };
    return { counted: [account.counted] };
  },

  /** A right password: its attempt is not a failure. */
  async giveBack(claim: { counted: Counted[] }): Promise<void> {
    await Promise.all(claim.counted.map(giveBack));
  },
};
