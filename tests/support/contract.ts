/**
 * Checks real responses against the OpenAPI document: every status a test receives must be
 * documented for its route, and every body must match the documented schema for that status.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { openApiDocument } from '../../shared/openapi.ts';
import { type RouteId, routes } from '../../shared/routes.ts';
import type { Json } from '../../tools/values.ts';

export interface SeenResponse {
  routeId: RouteId;
  status: number;
  contentType: string | null;
  body: unknown;
}

const document: Json = openApiDocument('http://localhost');
const ajv = new Ajv2020({ strict: false, allErrors: true });
formats.default(ajv);
const validators = new Map<unknown, ReturnType<typeof ajv.compile>>();
const validatorFor = (schema: Json) => {
  const resolved = schema.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema;
  let validate = validators.get(resolved);
  if (!validate) {
    validate = ajv.compile(resolved);
    validators.set(resolved, validate);
  }
  return validate;
};

export function contractViolations(seen: SeenResponse[]): string[] {
  const violations: string[] = [];
  for (const { routeId, status, contentType, body } of seen) {
    const route = routes[routeId];
    const documented = document.paths[route.path][route.method.toLowerCase()].responses[status];
    const where = `${route.method} ${route.path} → ${status}`;
    if (!documented) {
      violations.push(`${where}: status not documented`);
      continue;
    }
    if (!documented.content) {
      if (body !== undefined && body !== '') violations.push(`${where}: documented without a body, got one`);
      continue;
    }
    const [type = ''] = (contentType ?? '').split(';');
    const media = documented.content[type];
    if (!media) {
      violations.push(`${where}: content type ${type} not documented`);
      continue;
    }
    if (type.endsWith('json')) {
      const validate = validatorFor(media.schema);
      if (!validate(body)) violations.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  return violations;
}
