import type * as z from 'zod/mini';
import { type FieldError, InvalidInput } from '../errors.ts';

type Issue = z.core.$ZodIssue;

function toFieldErrors(where: string, issues: Issue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: `${path}.${key}`, message: 'Unknown field' }));
    }
    return [{ path, message: issue.message }];
  });
}

/** Parses one part of the request (body, params or query) or throws a 400 naming every bad field. */
export function parsePart<S extends z.ZodMiniType>(where: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = toFieldErrors(where, result.error.issues);
  const unknown = errors.filter((e) => e.message === 'Unknown field').map((e) => e.path.split('.').pop());
  const detail = unknown.length
    ? `Unknown field(s): ${unknown.join(', ')}.`
    : `The request ${where} is invalid: ${[...new Set(errors.map((e) => e.path.split('.').slice(1).join('.') || where))].join(', ')}.`;
  throw new InvalidInput(detail, errors);
}
