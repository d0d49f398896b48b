import { created, defineHandler } from '../../shared/http/handler.ts';
import { kvRoutes } from '../../shared/routes/kv.ts';
import { putEntry } from '../../shared/services/kv.ts';

// The value is the JSON text sent, never re-serialised.
export const handler = defineHandler(kvRoutes['kv.put'], async ({ caller, params, bodyText, condition }) => {
  // biome-ignore lint/style/noNonNullAssertion: bodyText is defined once the route's body validated (kv.put has a body schema)
  const { entry, created: isNew } = await putEntry(caller, params.key, bodyText!, condition);
  return isNew ? created(entry) : entry;
});
