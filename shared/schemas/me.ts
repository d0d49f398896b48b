import * as z from 'zod/mini';
import { idParams, page, pageQuery, timestamp } from './common.ts';
import { kvEntry } from './kv.ts';
import { payment } from './payments.ts';
import { record } from './records.ts';
import { user } from './users.ts';

const session = () => z.object({ session_id: z.uuid(), created_at: timestamp(), expires_at: timestamp(), current: z.boolean() });

/** Everything the API holds about the caller (the GDPR's right of access). */
export const accountExport = () =>
  z.object({
    exported_at: timestamp(),
    profile: user(),
    key_value: z.array(kvEntry()),
    payments: z.array(payment()),
    records: z.array(record()),
    sessions: z.array(session()),
  });
export const sessionPage = () => page(session());
export const listSessionsQuery = () => z.strictObject(pageQuery());
export const sessionIdParams = idParams;
