/**
 * Lists page one way: a page from the start key a sealed cursor holds, and the sealed cursor of the
 * next (crypto/cursor.ts seals a cursor to its list, so a client can neither read nor forge it).
 */
import { openCursor, type StartKey, sealCursor } from '../crypto/cursor.ts';

/** One page of a list and the cursor for the next; `scope` names the list (route and partition). */
export async function paged<T, U = T>(
  scope: string,
  cursor: string | undefined,
  fetch: (startKey?: StartKey) => Promise<{ items: T[]; lastKey?: StartKey }>,
  present: (item: T) => U = (item) => item as unknown as U,
): Promise<{ items: U[]; next_cursor: string | null }> {
  const { items, lastKey } = await fetch(await openCursor(cursor, scope));
  return { items: items.map(present), next_cursor: await sealCursor(lastKey, scope) };
}
