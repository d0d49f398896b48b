import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { listEntries } from '../../shared/services/kv.ts';

export const handler = defineHandler(routes['kv.list'], ({ caller, query }) => listEntries(caller, query));
