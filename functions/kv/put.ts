import { created, defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { putEntry } from '../../shared/services/kv.ts';

// The value is the JSON text sent (bodyText, defined once the body validated), never re-serialised.
export const handler = defineHandler(routes['kv.put'], async ({ caller, params, bodyText, condition }) => {
  const { entry, created: isNew } = await putEntry(caller, params.key, bodyText!, condition);
  return isNew ? created(entry) : entry;
});
