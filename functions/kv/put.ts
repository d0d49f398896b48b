import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { putEntry } from '../../shared/services/kv.ts';

// The value is stored as the JSON text sent (bodyText), validated as JSON but never re-serialised.
export const handler = defineHandler(routes['kv.put'], ({ caller, params, bodyText, header }) =>
  putEntry(caller, params.key, bodyText!, { ifMatch: header('if-match'), ifNoneMatch: header('if-none-match') }),
);
