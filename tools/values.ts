/** Two helpers for reading what tests receive; no app import, so the acceptance scenarios use them too. */

/**
 * JSON as the tests read it (response bodies, the OpenAPI document, synthesized templates): field by
 * field, in assertions that check its shape themselves.
 */
// biome-ignore lint/suspicious/noExplicitAny: the one escape hatch for JSON the tests read field by field; their assertions check its shape
export type Json = any;

/** The value, or the test fails right here, saying what was missing (not with a TypeError further on). */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`Expected ${what}, got ${value}`);
  return value;
}
