/**
 * The values the routes' documentation examples share (a user, a payment, a token pair …): each
 * route declares its own request and response examples, typed by its schemas (route.ts).
 */
export const created = '2026-01-15T09:30:00.000Z';
export const updated = '2026-02-03T17:05:12.000Z';
export const userId = '5ddeb2da-086f-4f79-8a4d-83e1cd37c322';

export const user = {
  user_id: userId,
  name: 'Jane Doe',
  email: 'jane@example.com',
  username: 'jane_doe',
  gender: 'Female',
  role: 'user',
  version: 1,
  created_at: created,
  updated_at: created,
} as const;

/** A user an admin created: no username, no password yet. */
export const john = {
  user_id: '0eeb131a-10cb-408c-b770-a7ddcaebb26c',
  name: 'John Doe',
  email: 'john@example.com',
  phone: '1234567890',
  country: 'India',
  role: 'user',
  version: 1,
  created_at: updated,
  updated_at: updated,
} as const;

export const tokens = {
  token_type: 'Bearer',
  access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI1ZGRlYjJkYS0wODZmLTRmNzktOGE0ZC04M2UxY2QzN2MzMjIifQ.c2lnbmF0dXJlLW5vdC1yZWFs',
  expires_in: 900,
  refresh_token: `${userId}.mACxkehfK1ui9RL09msZ_DsxT5aIZMyFYaAWrNGzqwY`,
} as const;

export const payment = {
  payment_id: '75cf6d5f-8dca-40e2-827e-af64bc4478bf',
  user_id: userId,
  amount: 500,
  amount_minor: 50000,
  currency: 'INR',
  payment_method: 'Credit Card',
  card_no: 'XXXX-XXXX-XXXX-1111',
  card_brand: 'visa',
  card_last4: '1111',
  card_expiry: '2030-12',
  status: 'completed',
  description: 'Payment for services',
  version: 1,
  created_at: created,
  updated_at: created,
} as const;

export const kvMeta = { key: 'settings/theme', version: 2, created_at: created, updated_at: updated };
export const kvEntry = { ...kvMeta, value: { mode: 'dark', accent: '#3366ff' } };

export const record = {
  record_id: 'AIMRHo2-YrFhlMD2HkQeKnY0W_HAqmrTl2pJG54SLEU',
  user_id: userId,
  name: 'John Doe',
  dob: '1990-01-01',
  height: 175,
  weight: 70,
  created_at: created,
};

/** A sealed cursor as the API writes one (this one opens nowhere). */
export const nextCursor = 'dGhpcy1pcy1ub3QtYS1yZWFsLWN1cnNvci1idXQtaXQtbG9va3MtbGlrZS1vbmU';

export const deviceToken = 'q3Jb0x6vS0kYl1nUu7m2WZyKQwq3HcZ1e9T5oF4pR8A';

export const session = {
  session_id: 'a9b09ad3-a449-427d-bf54-1c8d437286b3',
  device: 'Firefox 128 on Windows',
  network: '203.0.113.0/24',
  method: 'password',
  created_at: updated,
  last_used_at: updated,
  expires_at: '2026-03-05T17:05:12.000Z',
  current: true,
} as const;

/** A mailed link's token (`#reset=…`): the account's id, a dot and 32 random bytes. */
export const linkToken = `${userId}.pU3x0B6mK1cWq9yZs4LtR8vN2aDf7HjE5gQiYoAuXw0`;
/** An email change's cancel link, one per change: the account's id, the link's id and 32 random bytes. */
export const cancelLinkToken = `${userId}.00mip4k2x8a1b2c3.pU3x0B6mK1cWq9yZs4LtR8vN2aDf7HjE5gQiYoAuXw0`;

export const activityEvent = { type: 'signed_in_new_device', at: updated, device: 'Firefox 128 on Windows', network: '203.0.113.0/24' } as const;
