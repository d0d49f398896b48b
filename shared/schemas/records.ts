import * as z from 'zod/mini';
import { commonSchemas, lazy } from './common.ts';

/** A positive number within human bounds; numeric strings ("175", as in the seed's sample) are accepted. */
const measure = (min: number, max: number, unit: string) =>
  z.pipe(
    z.union([z.number(), z.string().check(z.regex(/^\d{1,3}(\.\d{1,2})?$/, `Must be a number of ${unit}`))]),
    z.pipe(
      z.transform((v: number | string) => Number(v)),
      z.number().check(z.gte(min, `Must be at least ${min} ${unit}`), z.lte(max, `Must be at most ${max} ${unit}`)),
    ),
  );

export const recordSchemas = lazy(() => {
  const { pastDate, shortText, page, pageQuery } = commonSchemas();
  /** Exactly 10 digits, as seed 000 validates phones. */
  const recordPhone = z.string().check(z.regex(/^\d{10}$/, 'Phone must be exactly 10 digits'));
  /** `user_id` is the owner: the account that created the record. */
  const record = z.object({
    record_id: z.string(),
    user_id: z.string(),
    name: z.string(),
    dob: z.string(),
    height: z.number(),
    weight: z.number(),
    created_at: z.string(),
  });
  return {
    createRecordBody: z.strictObject({
      name: shortText(100),
      phone: recordPhone,
      dob: pastDate,
      height: measure(30, 280, 'cm'),
      weight: measure(1, 650, 'kg'),
    }),
    phoneBody: z.strictObject({ phone: recordPhone }),
    /** Record ids are keyed hashes of owner and phone (HMAC-SHA256, base64url). */
    recordIdParams: z.strictObject({ id: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'Not a valid record id')) }),
    /** `user_id`: admins only (anyone else naming another user gets 404). */
    listRecordsQuery: z.strictObject({ ...pageQuery, user_id: z.optional(z.uuid('Not a valid user id')) }),
    lookupQuery: z.strictObject(pageQuery),
    record,
    recordPage: page(record),
  };
});

type Schemas = ReturnType<typeof recordSchemas>;
export type CreateRecordBody = z.output<Schemas['createRecordBody']>;
export type PublicRecord = z.output<Schemas['record']>;
