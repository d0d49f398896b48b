import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { deleteEntry } from '../../shared/services/kv.ts';

export const handler = defineHandler(routes['kv.delete'], ({ caller, params, condition }) => deleteEntry(caller, params.key, condition));
