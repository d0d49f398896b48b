import { defineHandler } from '../../shared/http/handler.ts';
import { kvRoutes } from '../../shared/routes/kv.ts';
import { deleteEntry } from '../../shared/services/kv.ts';

export const handler = defineHandler(kvRoutes['kv.delete'], ({ caller, params, condition }) => deleteEntry(caller, params.key, condition));
