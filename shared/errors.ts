/**
 * What can go wrong, in the domain's words. Services, repositories, crypto and schemas throw these and
 * know nothing of HTTP; shared/http/problem.ts turns each into an RFC 9457 problem (status, title,
 * detail, errors, Retry-After) in one place.
 */

/** A field a client sent that is wrong, named as the API names it (`body.amount`, `query.cursor`). */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  constructor(
    readonly detail: string,
    readonly fields?: FieldError[],
    /** When the client may try again, in seconds (a limit, a request still in flight, an outage). */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The request is wrong: a field, a cursor, a precondition header that cannot be honoured. */
export class InvalidInput extends DomainError {}
/** No caller, or not one the API can trust: a missing, invalid, expired or revoked token, wrong credentials. */
export class NotAuthenticated extends DomainError {}
/** The caller is known but may not do this (a role, a wrong current password). */
export class NotPermitted extends DomainError {}
/** No such thing, or not the caller's to see (existence is not revealed). */
export class NotFound extends DomainError {}
/** It clashes with the current state: taken, settled, moving backwards, full, still in flight. */
export class Conflict extends DomainError {}
/** The caller's expected version is not the current one (If-Match, If-None-Match). */
export class PreconditionFailed extends DomainError {}
/** Too big to store. */
export class TooLarge extends DomainError {}
/** Well formed, but it cannot be done (an Idempotency-Key reused for another request, an unknown owner). */
export class Unprocessable extends DomainError {}
/** Too many attempts or requests for now. */
export class RateLimited extends DomainError {}
/** A dependency is down or busy; the same request can succeed later. */
export class Unavailable extends DomainError {}
/** The body is not in the one form the API reads (JSON). */
export class UnsupportedMediaType extends DomainError {}
