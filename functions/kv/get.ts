import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { getEntry } from '../../shared/services/kv.ts';

export const handler = defineHandler(routes['kv.get'], ({ caller, params }) => getEntry(caller, params.key));
