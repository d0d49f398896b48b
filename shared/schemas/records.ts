import * as z from 'zod/mini';
import { page, pageQuery, pastDate, shortText, timestamp, unlessMissing } from './common.ts';

/** A positive number within human bounds; numeric strings ("175", as in the seed's sample) are accepted, with the same bounds. */
const measure = (min: number, max: number, unit: string) =>
  z.pipe(
    // The bounds are checked after the union (for their message) and documented on its number and its string.
    z.union(
      [
        z.number().check(z.meta({ minimum: min, maximum: max })),
        z
          .string()
          .check(
            z.meta({ description: `A decimal string from ${min} to ${max} (${unit})`, 'x-minimum': min, 'x-maximum': max }),
            z.regex(/^\d{1,6}(\.\d{1,2})?$/, `Must be a number of ${unit} (up to 2 decimals)`),
          ),
      ],
      unlessMissing(`Must be a number of ${unit}`),
    ),
    z.pipe(
      z.transform((v: number | string) => Number(v)),
      z.number().check(z.gte(min, `Must be at least ${min} ${unit}`), z.lte(max, `Must be at most ${max} ${unit}`)),
    ),
  );

/** Exactly 10 digits, as seed 000 validates phones. */
const recordPhone = () => z.string().check(z.regex(/^\d{10}$/, 'Phone must be exactly 10 digits'));
/** Record ids are keyed hashes of owner and phone (HMAC-SHA256, base64url). */
const recordId = () => z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'Not a valid record id'));

/** `user_id` is the owner: the account that created the record. */
export const record = () =>
  z.object({
    record_id: recordId(),
    user_id: z.uuid(),
    name: shortText(100),
    dob: z.iso.date(),
    height: z.number().check(z.meta({ description: 'Height in centimetres' }), z.gte(30), z.lte(280)),
    weight: z.number().check(z.meta({ description: 'Weight in kilograms' }), z.gte(1), z.lte(650)),
    created_at: timestamp(),
  });
export const createRecordBody = () =>
  z.strictObject({
    name: shortText(100),
    phone: recordPhone(),
    dob: pastDate(),
    height: measure(30, 280, 'cm'),
    weight: measure(1, 650, 'kg'),
  });
export const phoneBody = () => z.strictObject({ phone: recordPhone() });
export const recordIdParams = () => z.strictObject({ id: recordId() });
/** `user_id`: admins only (anyone else naming another user gets 404). */
export const listRecordsQuery = () => z.strictObject({ ...pageQuery(), user_id: z.optional(z.uuid('Not a valid user id')) });
export const lookupQuery = () => z.strictObject(pageQuery());
export const recordPage = () => page(record());

export type CreateRecordBody = z.output<ReturnType<typeof createRecordBody>>;
export type PublicRecord = z.output<ReturnType<typeof record>>;
