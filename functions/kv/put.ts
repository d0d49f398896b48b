import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { putEntry } from '../../shared/services/kv.ts';

export const handler = defineHandler(routes['kv.put'], ({ caller, params, body, header }) =>
  putEntry(caller, params.key, body, { ifMatch: header('if-match'), ifNoneMatch: header('if-none-match') }),
);
