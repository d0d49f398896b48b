/** RFC 9457 problem details: the one error shape every route and the gateway answer with. */
export interface FieldError {
  path: string;
  message: string;
}

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
  428: 'Precondition Required',
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

/** Thrown anywhere below a handler; the error middleware turns it into the response. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  get body(): ProblemBody {
    return problemBody(this.status, this.detail, this.errors);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new HttpProblem(400, detail, errors);
export const unauthorized = (detail = 'A valid bearer token is required.') =>
  new HttpProblem(401, detail, undefined, { 'www-authenticate': 'Bearer' });
export const forbidden = (detail = 'Your role does not allow this operation.') => new HttpProblem(403, detail);
export const notFound = (detail = 'No such resource.') => new HttpProblem(404, detail);
export const conflict = (detail: string, errors?: FieldError[]) => new HttpProblem(409, detail, errors);
export const preconditionFailed = (detail = 'The resource has changed since you read it (If-Match is stale).') =>
  new HttpProblem(412, detail);
export const tooManyRequests = (retryAfterSeconds: number, detail = 'Too many requests; retry later.') =>
  new HttpProblem(429, detail, undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
export const serviceUnavailable = (retryAfterSeconds = 1) =>
  new HttpProblem(503, 'The service is temporarily unavailable; retry later.', undefined, {
    'retry-after': String(retryAfterSeconds),
  });
