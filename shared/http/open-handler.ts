/**
 * The handler factory of routes anyone may call that never touch the table (health, the docs, the
 * console and its files): the same request pipeline (pipeline.ts) with no caller to authenticate and
 * no session to check, so these functions bundle neither the DynamoDB client nor jose.
 */
import type { OpenRoute } from '../routes/route.ts';
import { type HttpRequest, pipeline } from './pipeline.ts';

export { created, type HttpRequest, Reply } from './pipeline.ts';

const nobody = { caller: undefined, run: <T>(work: () => Promise<T>) => work() };

export const defineOpenHandler = <R extends OpenRoute>(route: R, handle: (request: HttpRequest<R>) => Promise<unknown>) =>
  pipeline(route, handle, async () => nobody);
