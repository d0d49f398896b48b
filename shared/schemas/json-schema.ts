import * as z from 'zod/mini';

/**
 * JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) of a zod schema: `input` is what a client may
 * send (defaults optional, coercions as the accepted types), `output` what the API answers. A
 * recursive schema (any JSON value) becomes `{}`, JSON Schema's own "any value", since a
 * self-reference cannot be embedded in another document.
 */
export function jsonSchemaOf(schema: z.ZodMiniType, io: 'input' | 'output' = 'input') {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  if (JSON.stringify(rest).includes('"$ref":"#"')) return { description: 'Any JSON value' };
  return rest;
}
