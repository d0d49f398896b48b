import { z } from './common.ts';

/** JSON Schema of what a client sends (input side: defaults optional, coercions as accepted types). */
export const jsonSchemaOf = (schema: z.ZodMiniType, target: 'draft-04' | 'draft-2020-12') =>
  z.toJSONSchema(schema, { target, io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
