import * as z from 'zod/mini';
import { page, pageQuery, timestamp, version } from './common.ts';

export const MAX_VALUE_BYTES = 256 * 1024;

/** 1-256 characters (code points) of UTF-8 without control characters; `/`, spaces and any script welcome. */
const kvKey = () =>
  z.string().check(
    // The same rules for JSON Schema (which counts code points), in a pattern that reads the same with and without the u flag.
    z.meta({ minLength: 1, maxLength: 256, pattern: '^(?:[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*$' }),
    z.refine((k) => [...k].length >= 1 && [...k].length <= 256, 'Key must be 1-256 characters'),
    z.refine((k) => !/\p{Cc}/u.test(k), 'Key must not contain control characters'), // Cc: U+0000-U+001F and U+007F-U+009F
    z.refine((k) => k.isWellFormed(), 'Key must be valid UTF-8'),
  );

const entryMeta = () => ({ key: kvKey(), version: version(), created_at: timestamp(), updated_at: timestamp() });

export const kvParams = () => z.strictObject({ key: kvKey() });
/** The body of PUT /kv/{key} is the value itself: any JSON value. */
export const kvValue = () => z.json();
export const listKvQuery = () => z.strictObject({ ...pageQuery(), prefix: z.optional(z.string().check(z.maxLength(256))) });
export const kvEntry = () => z.object({ ...entryMeta(), value: z.unknown().check(z.meta({ description: 'The JSON value stored' })) });
export const kvPage = () => page(z.object(entryMeta()));
