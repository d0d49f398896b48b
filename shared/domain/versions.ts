/**
 * Optimistic concurrency in the domain's terms: what a client expects of the version it read (from
 * If-Match and If-None-Match, parsed in shared/http/etag.ts), checked against the current version.
 */
import { PreconditionFailed } from '../errors.ts';

export interface VersionCondition {
  /** The write applies only to one of these versions, or to any existing one. */
  match?: number[] | 'any';
  /** The write applies only if nothing exists yet (If-None-Match: *). */
  noneMatch?: 'any';
}

export const isConditional = (condition: VersionCondition) => condition.match !== undefined || condition.noneMatch !== undefined;

/** Throws PreconditionFailed unless `version` (undefined: nothing there) meets the condition. */
export function assertVersion(condition: VersionCondition, version: number | undefined): void {
  if (condition.noneMatch && version !== undefined) throw new PreconditionFailed('It already exists (If-None-Match: *).');
  if (condition.match === undefined) return;
  if (version === undefined) throw new PreconditionFailed('It does not exist (If-Match).');
  if (condition.match !== 'any' && !condition.match.includes(version)) {
    throw new PreconditionFailed('The resource has changed since you read it (If-Match is stale).');
  }
}
