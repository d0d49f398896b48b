import * as z from 'zod/mini';
import { commonSchemas, lazy } from './common.ts';
import { kvSchemas } from './kv.ts';
import { paymentSchemas } from './payments.ts';
import { recordSchemas } from './records.ts';
import { userSchemas } from './users.ts';

export const meSchemas = lazy(() => {
  const { timestamp } = commonSchemas();
  const session = z.object({ session_id: z.uuid(), created_at: timestamp, expires_at: timestamp, current: z.boolean() });
  /** Everything the API holds about the caller (the GDPR's right of access). */
  const accountExport = z.object({
    exported_at: timestamp,
    profile: userSchemas().user,
    key_value: z.array(kvSchemas().kvEntry),
    payments: z.array(paymentSchemas().payment),
    records: z.array(recordSchemas().record),
    sessions: z.array(session),
  });
  const { idParams, page, pageQuery } = commonSchemas();
  return { accountExport, sessionPage: page(session), listSessionsQuery: z.strictObject(pageQuery), sessionIdParams: idParams };
});
