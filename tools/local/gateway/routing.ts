/**
 * Which route a request reaches, as API Gateway's resource tree decides it from the route table, and
 * which paths are resources of that tree at all (a CORS preflight answers on every one).
 */
import { type RouteDef, type RouteId, routes } from '../../../shared/routes.ts';

export interface CompiledRoute {
  id: RouteId;
  def: RouteDef;
  pattern: RegExp;
  /** The path's {variables}, in the order of the pattern's groups. */
  names: string[];
}

export function compileRoute(id: RouteId, def: RouteDef): CompiledRoute {
  const names: string[] = [];
  const source = def.path.replace(/\{(\w+)\}/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  return { id, def, pattern: new RegExp(`^${source}$`), names };
}

const compiled: CompiledRoute[] = Object.entries(routes).map(([id, def]) => compileRoute(id as RouteId, def));

/**
 * The route of this method on the resource the path addresses, and the path's match (its
 * parameters). Like API Gateway's resource tree, a literal path segment wins over a {variable}:
 * POST /records/lookup never falls through to /records/{id}.
 */
export function findRoute(method: string, pathname: string): { route: CompiledRoute; match: RegExpExecArray } | undefined {
  const candidates = compiled.flatMap((route) => {
    const match = route.pattern.exec(pathname);
    return match ? [{ route, match }] : [];
  });
  const resource = candidates.map((c) => c.route.def.path).sort((a, b) => a.split('{').length - b.split('{').length)[0];
  return candidates.filter((c) => c.route.def.path === resource).find((c) => c.route.def.method === method);
}

/** The route a request would reach (tests use it to check responses against the OpenAPI document). */
export const routeFor = (method: string, pathname: string): RouteId | undefined => findRoute(method, pathname)?.route.id;

/** Every resource of the API's tree (each prefix of a route's path), as patterns. */
function resourcePatterns(): RegExp[] {
  const paths = new Set(['/']);
  for (const route of Object.values(routes) as RouteDef[]) {
    const segments = route.path.split('/').slice(1);
    segments.forEach((_, i) => {
      paths.add(`/${segments.slice(0, i + 1).join('/')}`);
    });
  }
  return [...paths].map((path) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`));
}
const resources = resourcePatterns();

/** Whether the path addresses a resource of the API's tree: the paths a preflight answers on. */
export const isResource = (pathname: string) => resources.some((pattern) => pattern.test(pathname));
