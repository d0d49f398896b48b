/** Pure key builders: the only place that knows how each entity is addressed in the table. */
export const USERS_INDEX_PK = 'USERS';

export const keys = {
  user: (userId: string) => ({ PK: `USER#${userId}`, SK: 'PROFILE' }),
  userPartition: (userId: string) => `USER#${userId}`,
  /** Newest-first listing of users on GSI1; the id breaks ties between equal timestamps. */
  userListing: (createdAt: string, userId: string) => ({ GSI1PK: USERS_INDEX_PK, GSI1SK: `${createdAt}#${userId}` }),
  /** Uniqueness markers, by a keyed hash of the lower-case value (users.ts): no email in a key. */
  email: (emailHash: string) => ({ PK: `EMAIL#${emailHash}`, SK: 'EMAIL' }),
  username: (usernameHash: string) => ({ PK: `USERNAME#${usernameHash}`, SK: 'USERNAME' }),
  session: (userId: string, sessionId: string) => ({ PK: `USER#${userId}`, SK: `SESSION#${sessionId}` }),
  sessionPrefix: 'SESSION#',
  /** A refresh token, by its SHA-256, in its user's partition: deleting the account sweeps it. */
  refreshToken: (userId: string, tokenHash: string) => ({ PK: `USER#${userId}`, SK: `REFRESH#${tokenHash}` }),
  /**
   * Password-attempt counters (login-attempts.ts) live under a subject: the account's own partition
   * (USER#<id>), where deleting the user reaches them, or for an identifier that names no account,
   * LOGIN#<keyed hash of it>.
   */
  unknownAttemptsSubject: (identifierHash: string) => `LOGIN#${identifierHash}`,
  attemptsPrefix: 'LOGIN#',
  accountAttempts: (subject: string) => ({ PK: subject, SK: 'LOGIN#ACCOUNT' }),
  sourceAttempts: (subject: string, sourceHash: string) => ({ PK: subject, SK: `LOGIN#SOURCE#${sourceHash}` }),
  /** An Idempotency-Key's record, in its caller's partition (it holds their response): deleting the account sweeps it. */
  idempotency: (userId: string, claimId: string) => ({ PK: `USER#${userId}`, SK: `IDEMPOTENCY#${claimId}` }),
  /** A user's key-value entries: their own partition, the key itself as sort key (up to 1,024 bytes). */
  kvEntry: (userId: string, key: string) => ({ PK: `KV#${userId}`, SK: key }),
  kvPartition: (userId: string) => `KV#${userId}`,
  /** A user's key-value usage (keys, bytes), in their own partition: the KV partition's sort keys are the user's. */
  kvUsage: (userId: string) => ({ PK: `USER#${userId}`, SK: 'KV_USAGE' }),
  /** A health record, by its id: a keyed hash of its owner and the phone (records.ts). */
  record: (recordId: string) => ({ PK: `RECORD#${recordId}`, SK: 'RECORD' }),
  /** An owner's records, newest first (GSI1): their list, and what their account's deletion removes. */
  recordsOfOwner: (userId: string) => `USER#${userId}#RECORDS`,
  /** Every owner's record of one phone, by the phone's keyed hash (GSI2): an admin's lookup. */
  recordsOfPhone: (phoneHash: string) => `RECORDS#${phoneHash}`,
  /** A rate-limit window, by a keyed hash of the caller: it never names them, and expires on its own. */
  rateWindow: (purpose: string, callerHash: string, windowStart: number) => ({
    PK: `RATE#${purpose}#${callerHash}`,
    SK: new Date(windowStart * 1000).toISOString(),
  }),
  payment: (paymentId: string) => ({ PK: `PAYMENT#${paymentId}`, SK: 'PAYMENT' }),
  /** A user's payments, newest first (GSI1). */
  paymentsOfUser: (userId: string) => `USER#${userId}#PAYMENTS`,
  /** All payments, newest first, spread over PAYMENT_SHARDS partitions of GSI2 (see payments.ts). */
  paymentsShard: (shard: number) => `PAYMENTS#${shard}`,
};

export const PAYMENT_SHARDS = 4;

export const epochSeconds = (ms = Date.now()) => Math.floor(ms / 1000);
