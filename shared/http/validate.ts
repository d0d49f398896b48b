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

/** Names for a sentence: the first few, then how many more (a request may name thousands). */
export function listed(names: readonly string[], most = 20): string {
  return names.length > most ? `${names.slice(0, most).join(', ')} and ${names.length - most} more` : names.join(', ');
}

/** Parses one part of the request (body, params or query) or throws a 400 naming every bad field. */
export function parsePart<S extends z.ZodMiniType>(where: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = toFieldErrors(where, result.error.issues);
  const unknown = errors.filter((e) => e.message === 'Unknown field').map((e) => e.path.split('.').pop());
  const detail = unknown.length
    ? `Unknown field(s): ${listed(unknown as string[])}.`
    : `The request ${where} is invalid: ${listed([...new Set(errors.map((e) => e.path.split('.').slice(1).join('.') || where))])}.`;
  throw new InvalidInput(detail, errors);
}
