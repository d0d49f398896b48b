/** ETags are versions in quotes; If-Match and If-None-Match become the domain's VersionCondition. */

import type { VersionCondition } from '../domain/versions.ts';
import { InvalidInput } from '../errors.ts';

export const etagOf = (version: number) => `"${version}"`;

/** `"3", W/"4"` → [3, 4]; `*` → any. A tag that is no version of ours matches nothing. */
function versionsOf(header: string): number[] | 'any' {
  if (header.trim() === '*') return 'any';
  return header.split(',').flatMap((tag) => {
    const version = /^(?:W\/)?"(\d+)"$/.exec(tag.trim())?.[1];
    return version === undefined ? [] : [Number(version)];
  });
}

export function conditionOf(ifMatch: string | undefined, ifNoneMatch: string | undefined): VersionCondition {
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new InvalidInput('Only If-None-Match: * is supported (create only).', [{ path: 'headers.if-none-match', message: 'Only * is supported' }]);
  }
  return { ...(ifMatch !== undefined && { match: versionsOf(ifMatch) }), ...(ifNoneMatch !== undefined && { noneMatch: 'any' }) };
}
