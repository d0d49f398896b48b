/**
 * RFC 9457 problem details: the one error shape every route and the gateway answer with, and the one
 * place a domain error (shared/errors.ts) becomes an HTTP answer.
 */
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

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

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
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...(errors && { errors }) };
}

/** By the error's class or the nearest ancestor listed (a storage error such as StaleVersion extends the kind it is). */
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

export interface Problem {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
}

/** The HTTP answer to a domain error. */
export function problemOf(error: DomainError): Problem {
  let status = 500;
  for (let kind = error.constructor; kind !== DomainError; kind = Object.getPrototypeOf(kind)) {
    const known = STATUS_OF.get(kind);
    if (known !== undefined) {
      status = known;
      break;
    }
  }
  return {
    status,
    body: problemBody(status, error.detail, error.fields),
    headers: {
      ...(error.retryAfterSeconds !== undefined && { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) }),
      ...(status === 401 && { 'www-authenticate': 'Bearer' }),
    },
  };
}
