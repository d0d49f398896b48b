import * as z from 'zod/mini';
import { page, pageQuery } from './common.ts';

export const MAX_VALUE_BYTES = 256 * 1024;

/** 1-256 characters (code points) of UTF-8 without control characters; `/`, spaces and any script welcome. */
export const kvKey = z.string().check(
  z.refine((k) => [...k].length >= 1 && [...k].length <= 256, 'Key must be 1-256 characters'),
  z.refine((k) => !/[\u0000-\u001f\u007f-\u009f]/.test(k), 'Key must not contain control characters'),
  z.refine((k) => k.isWellFormed(), 'Key must be valid UTF-8'),
);

export const kvParams = z.strictObject({ key: kvKey });
/** The body of PUT /kv/{key} is the value itself: any JSON value. */
export const kvValue = z.json();
export const listKvQuery = z.strictObject({ ...pageQuery, prefix: z.optional(z.string().check(z.maxLength(256))) });

const entryMeta = { key: z.string(), version: z.int(), created_at: z.string(), updated_at: z.string() };
export const kvEntry = z.object({ ...entryMeta, value: z.unknown() });
export const kvPage = page(z.object(entryMeta));
