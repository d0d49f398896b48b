import { defineHandler } from '../../shared/http/handler.ts';
import { kvRoutes } from '../../shared/routes/kv.ts';
import { getEntry } from '../../shared/services/kv.ts';

export const handler = defineHandler(kvRoutes['kv.get'], ({ caller, params }) => getEntry(caller, params.key));
