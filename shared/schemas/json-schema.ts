import * as z from 'zod/mini';

/**
 * JSON Schema of a zod schema: `input` is what a client may send (defaults optional, coercions as the
 * accepted types), `output` what the API answers. A recursive schema (any JSON value) becomes `{}`,
 * JSON Schema's own "any value", since a self-reference cannot be embedded in another document.
 */
export function jsonSchemaOf(schema: z.ZodMiniType, target: 'draft-04' | 'draft-2020-12', io: 'input' | 'output' = 'input') {
  const { $schema, ...rest } = z.toJSONSchema(schema, { target, io, unrepresentable: 'any' }) as Record<string, unknown>;
  if (JSON.stringify(rest).includes('"$ref":"#"')) return { description: 'Any JSON value' };
  return target === 'draft-04' ? { $schema, ...rest } : rest;
}
