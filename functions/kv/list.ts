import { defineHandler } from '../../shared/http/handler.ts';
import { kvRoutes } from '../../shared/routes/kv.ts';
import { listEntries } from '../../shared/services/kv.ts';

export const handler = defineHandler(kvRoutes['kv.list'], ({ caller, query }) => listEntries(caller, query));
