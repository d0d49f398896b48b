/**
 * The handler factory of every route that may touch the table or needs a signed-in caller:
 * `defineHandler(route, (request) => value)` is the request pipeline (pipeline.ts) with the caller's
 * authentication and the session check.
 *
 * The session check and the route's work: a route that only reads (`data: 'read'`) runs its work at
 * once, alongside the session check (both reads leave in one BatchGetItem: db/read-batch.ts), inside
 * readOnly, where the data client refuses any write (db/client.ts), so nothing is written for a
 * session not yet known to be open; its answer waits for the check. Any other route's work starts
 * once the session is open. Either way a closed session wins over whatever the work answered (401).
 */
import { readOnly } from '../db/client.ts';
import type { RouteDef } from '../routes/route.ts';
import { type Authentication, authenticate } from './auth.ts';
import { type Admission, type HttpRequest, pipeline } from './pipeline.ts';

export { created, type HttpRequest, Reply } from './pipeline.ts';

async function afterSessionCheck<T>(route: RouteDef, { sessionOpen }: Authentication, work: () => Promise<T>): Promise<T> {
  if (route.data !== 'read') {
    await sessionOpen;
    return work();
  }
  const [result, session] = await Promise.allSettled([readOnly(async () => work()), sessionOpen]); // a throw from work is a rejection too
  if (session.status === 'rejected') throw session.reason;
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

export function defineHandler<R extends RouteDef>(route: R, handle: (request: HttpRequest<R>) => Promise<unknown>) {
  return pipeline(route, handle, async (authorization): Promise<Admission> => {
    const authentication = await authenticate(route.auth, authorization);
    return { caller: authentication.caller, run: (work) => afterSessionCheck(route, authentication, work) };
  });
}
