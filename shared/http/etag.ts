import { preconditionFailed } from './problem.ts';

export const etagOf = (version: number) => `"${version}"`;

/** Checks an If-Match header against the current version: absent or `*` passes, anything else must match. */
export function assertIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(etagOf(version))) throw preconditionFailed();
}
