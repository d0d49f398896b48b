/**
 * The caller's own key-value store. Conditional writes: `If-None-Match: *` creates only, `If-Match`
 * compares and swaps; both answer 412 when the entry is not as expected. Other users' keys do not
 * exist from where the caller stands.
 */
import { openCursor, sealCursor } from '../crypto/cursor.ts';
import { env } from '../config/index.ts';
import { kv, OwnerGone, QuotaExceeded, type KvEntry } from '../db/kv.ts';
import type { Caller } from '../http/auth.ts';
import { assertIfMatch, etagOf } from '../http/etag.ts';
import { Reply } from '../http/handler.ts';
import { badRequest, HttpProblem, notFound, preconditionFailed, unauthorized } from '../http/problem.ts';
import { MAX_VALUE_BYTES } from '../schemas/kv.ts';
import { withOptimisticRetry } from './optimistic.ts';

export const entryReply = (entry: KvEntry, status?: number) =>
  new Reply(entry, {
    status,
    headers: { etag: etagOf(entry.version), ...(status === 201 && { location: `/kv/${encodeURIComponent(entry.key)}` }) },
  });

export async function getEntry(caller: Caller, key: string): Promise<KvEntry> {
  const entry = await kv.get(caller.id, key);
  if (!entry) throw notFound('No such key.');
  return entry;
}

const quotaProblem = () =>
  new HttpProblem(
    409,
    `Your key-value store is full: at most ${env.kvQuota.maxKeys} keys and ${env.kvQuota.maxBytes} bytes of keys and values in all. Delete entries to make room.`,
  );

/** Stores `valueJson`, the JSON text the client sent (validated, never re-serialised), under `key`. */
export async function putEntry(caller: Caller, key: string, valueJson: string, conditions: { ifMatch?: string; ifNoneMatch?: string }): Promise<Reply> {
  if (Buffer.byteLength(valueJson, 'utf8') > MAX_VALUE_BYTES) {
    throw new HttpProblem(413, `The value exceeds ${MAX_VALUE_BYTES} bytes.`);
  }
  const { ifMatch, ifNoneMatch } = conditions;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') throw badRequest('Only If-None-Match: * is supported (create only).');
  const createOnly = ifNoneMatch !== undefined;
  // A conditional request that loses a race is a 412; an unconditional one is simply re-applied.
  return withOptimisticRetry(ifMatch ?? ifNoneMatch, async () => {
    const current = await kv.get(caller.id, key);
    if (createOnly && current) throw preconditionFailed('The key already exists (If-None-Match: *).');
    if (ifMatch !== undefined && !current) throw preconditionFailed('The key does not exist (If-Match).');
    if (current) assertIfMatch(ifMatch, current.version);
    const entry = await kv.write(caller.id, key, valueJson, current, env.kvQuota).catch((error) => {
      if (error instanceof OwnerGone) throw unauthorized('The account no longer exists.');
      throw error instanceof QuotaExceeded ? quotaProblem() : error;
    });
    return entryReply(entry, current ? 200 : 201);
  });
}

export async function deleteEntry(caller: Caller, key: string, ifMatch?: string): Promise<void> {
  await withOptimisticRetry(ifMatch, async () => {
    const current = await getEntry(caller, key);
    assertIfMatch(ifMatch, current.version);
    await kv.remove(caller.id, current);
  });
}

export async function listEntries(caller: Caller, query: { prefix?: string; limit: number; cursor?: string }) {
  const scope = `kv.list:${caller.id}:${query.prefix ?? ''}`;
  const page = await kv.list(caller.id, query.prefix, query.limit, await openCursor(query.cursor, scope));
  return { items: page.entries, next_cursor: await sealCursor(page.lastKey, scope) };
}
