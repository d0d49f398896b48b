import * as z from 'zod/mini';
import { ACTIVITY_TYPES } from '../domain/activity.ts';
import { idParams, page, pageQuery, timestamp } from './common.ts';
import { kvEntry } from './kv.ts';
import { payment } from './payments.ts';
import { record } from './records.ts';
import { user } from './users.ts';

const session = () =>
  z.object({
    session_id: z.uuid(),
    device: z.string().check(z.meta({ description: 'Browser and system, from the User-Agent it signed in with (a hint: the client writes it)' })),
    network: z.string().check(z.meta({ description: 'The network it signed in from: an IPv4 /24 or an IPv6 /64' })),
    method: z.enum(['password', 'password+totp', 'password+recovery_code', 'password+passkey', 'passkey']).check(z.meta({ description: 'How it signed in' })),
    created_at: timestamp(),
    last_used_at: timestamp().check(z.meta({ description: 'When it signed in or last refreshed its tokens' })),
    expires_at: timestamp(),
    current: z.boolean(),
  });

/** One thing that happened to the account: never a secret, address or token. */
const activityEvent = () =>
  z.object({
    type: z.enum(ACTIVITY_TYPES).check(z.meta({ description: 'What happened' })),
    at: timestamp(),
    device: z.string().check(z.meta({ description: 'Browser and system of the request, from its User-Agent (a hint: the client writes it)' })),
    network: z.string().check(z.meta({ description: 'The network it came from: an IPv4 /24 or an IPv6 /64' })),
  });
export const activityPage = () => page(activityEvent());
export const listActivityQuery = () => z.strictObject(pageQuery());

/** Everything the API holds about the caller (the GDPR's right of access). */
export const accountExport = () =>
  z.object({
    exported_at: timestamp(),
    profile: user(),
    key_value: z.array(kvEntry()),
    payments: z.array(payment()),
    records: z.array(record()),
    sessions: z.array(session()),
    activity: z.array(activityEvent()),
  });
export const sessionPage = () => page(session());
export const listSessionsQuery = () => z.strictObject(pageQuery());
export const sessionIdParams = idParams;
