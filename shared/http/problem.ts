/**
 * RFC 9457 problem details: the one error shape every route and the gateway answer with, and the one
 * place an error becomes an HTTP answer (the request pipeline's only exit for errors: handler.ts).
 * - A domain error (shared/errors.ts) answers the status of its kind; storage errors are domain
 *   errors too (StaleVersion is a PreconditionFailed, OwnerGone a NotAuthenticated, QuotaExceeded a
 *   Conflict …), so they need no mapping of their own.
 * - DynamoDB throttled, busy or unreachable: 503 with Retry-After (a warning in the log).
 * - Anything else (a bug, a deployment fault such as an unreadable secret): 500, logged at ERROR, and
 *   answered without its message, stack or request.
 */
import { ConfigurationError } from '../config/index.ts';
import { isTransientDbError } from '../db/errors.ts';
import {
  Conflict,
  DomainError,
  type FieldError,
  InvalidInput,
  NotAuthenticated,
  NotFound,
  NotPermitted,
  PreconditionFailed,
  RateLimited,
  TooLarge,
  Unavailable,
  Unprocessable,
  UnsupportedMediaType,
} from '../errors.ts';
import { logger } from './log.ts';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  /** How many field errors were left out of `errors`. */
  errors_truncated?: number;
}

/** A problem lists this many field errors at most (6,000 unknown fields answer a small body), and counts the rest. */
export const MAX_FIELD_ERRORS = 20;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemBody(status: number, detail: string, errors?: FieldError[]): ProblemBody {
  const truncated = (errors?.length ?? 0) - MAX_FIELD_ERRORS;
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(errors && { errors: errors.slice(0, MAX_FIELD_ERRORS) }),
    ...(truncated > 0 && { errors_truncated: truncated }),
  };
}

/** Each kind of domain error's status; a subclass answers as the nearest kind listed. */
const STATUS_OF = new Map<object, number>([
  [InvalidInput, 400],
  [NotAuthenticated, 401],
  [NotPermitted, 403],
  [NotFound, 404],
  [Conflict, 409],
  [PreconditionFailed, 412],
  [TooLarge, 413],
  [UnsupportedMediaType, 415],
  [Unprocessable, 422],
  [RateLimited, 429],
  [Unavailable, 503],
]);

function statusOf(error: DomainError): number {
  for (let kind = error.constructor; kind !== DomainError; kind = Object.getPrototypeOf(kind)) {
    const status = STATUS_OF.get(kind);
    if (status !== undefined) return status;
  }
  return 500;
}

export interface Problem {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
}

function domainProblem(error: DomainError): Problem {
  const status = statusOf(error);
  return {
    status,
    body: problemBody(status, error.detail, error.fields),
    headers: {
      ...(error.retryAfterSeconds !== undefined && { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) }),
      ...(status === 401 && { 'www-authenticate': 'Bearer' }),
    },
  };
}

/** The answer to any error thrown while a request was served. */
export function problemOf(error: unknown): Problem {
  if (error instanceof DomainError) return domainProblem(error);
  // A deployment fault (a missing setting, an unreachable secret) is a 500, even when a socket error caused it.
  if (isTransientDbError(error) && !(error instanceof ConfigurationError)) {
    logger.warn('database unavailable', { error_name: (error as Error).name });
    return domainProblem(new Unavailable('The service is temporarily unavailable; retry later.', undefined, 1));
  }
  logger.error('unhandled error', error);
  return { status: 500, body: problemBody(500, 'An unexpected error occurred.'), headers: {} };
}
