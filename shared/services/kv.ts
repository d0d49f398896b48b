/**
 * The caller's own key-value store. Conditional writes: `If-None-Match: *` creates only, `If-Match`
 * compares and swaps; both answer 412 when the entry is not as expected. Other users' keys do not
 * exist from where the caller stands.
 */

import { env } from '../config/index.ts';
import { type KvEntry, kv } from '../db/kv.ts';
import type { Caller } from '../domain/user.ts';
import { assertVersion, type VersionCondition } from '../domain/versions.ts';
import { NotFound, TooLarge } from '../errors.ts';
import { MAX_VALUE_BYTES } from '../schemas/kv.ts';
import { withOptimisticRetry } from './optimistic.ts';
import { paged } from './paging.ts';

export async function getEntry(caller: Caller, key: string): Promise<KvEntry> {
  const entry = await kv.get(caller.id, key);
  if (!entry) throw new NotFound('No such key.');
  return entry;
}

/**
 * Stores `valueJson`, the JSON text the client sent (validated, never re-serialised), under `key`;
 * `created` tells a new key from a replaced one.
 */
export async function putEntry(caller: Caller, key: string, valueJson: string, condition: VersionCondition): Promise<{ entry: KvEntry; created: boolean }> {
  if (Buffer.byteLength(valueJson, 'utf8') > MAX_VALUE_BYTES) {
    throw new TooLarge(`The value exceeds ${MAX_VALUE_BYTES} bytes.`);
  }
  // A conditional request that loses a race is a 412; an unconditional one is simply re-applied.
  return withOptimisticRetry(condition, async () => {
    const current = await kv.get(caller.id, key);
    assertVersion(condition, current?.version);
    const entry = await kv.write(caller.id, key, valueJson, current, env.kvQuota);
    return { entry, created: current === undefined };
  });
}

export async function deleteEntry(caller: Caller, key: string, condition: VersionCondition): Promise<void> {
  await withOptimisticRetry(condition, async () => {
    const current = await getEntry(caller, key);
    assertVersion(condition, current.version);
    await kv.remove(caller.id, current);
  });
}

export const listEntries = (caller: Caller, query: { prefix?: string; limit: number; cursor?: string }) =>
  paged(`kv.list:${caller.id}:${query.prefix ?? ''}`, query.cursor, (start) => kv.list(caller.id, query.prefix, query.limit, start));
