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
  refreshToken: (tokenHash: string) => ({ PK: `REFRESH#${tokenHash}`, SK: 'REFRESH' }),
  /**
   * Password-attempt counters (login-attempts.ts) live under a subject: the account's own partition
   * (USER#<id>), where deleting the user reaches them, or for an identifier that names no account,
   * LOGIN#<keyed hash of it>.
   */
  unknownAttemptsSubject: (identifierHash: string) => `LOGIN#${identifierHash}`,
  attemptsPrefix: 'LOGIN#',
  accountAttempts: (subject: string) => ({ PK: subject, SK: 'LOGIN#ACCOUNT' }),
  sourceAttempts: (subject: string, sourceHash: string) => ({ PK: subject, SK: `LOGIN#SOURCE#${sourceHash}` }),
  idempotency: (claimId: string) => ({ PK: `IDEMPOTENCY#${claimId}`, SK: 'IDEMPOTENCY' }),
  /** A user's key-value entries: their own partition, the key itself as sort key (up to 1,024 bytes). */
  kvEntry: (userId: string, key: string) => ({ PK: `KV#${userId}`, SK: key }),
  kvPartition: (userId: string) => `KV#${userId}`,
  /** Health records by keyed phone hash. */
  record: (recordId: string) => ({ PK: `RECORD#${recordId}`, SK: 'RECORD' }),
  rateWindow: (purpose: string, callerId: string, windowStart: number) => ({ PK: `RATE#${purpose}#${callerId}`, SK: new Date(windowStart * 1000).toISOString() }),
  payment: (paymentId: string) => ({ PK: `PAYMENT#${paymentId}`, SK: 'PAYMENT' }),
  /** A user's payments, newest first (GSI1). */
  paymentsOfUser: (userId: string) => `USER#${userId}#PAYMENTS`,
  /** All payments, newest first, spread over PAYMENT_SHARDS partitions of GSI2 (see payments.ts). */
  paymentsShard: (shard: number) => `PAYMENTS#${shard}`,
};

export const PAYMENT_SHARDS = 4;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();
export const normaliseUsername = (username: string) => username.trim().toLowerCase();

export const epochSeconds = (ms = Date.now()) => Math.floor(ms / 1000);
