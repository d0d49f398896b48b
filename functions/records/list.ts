import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { listRecords } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.list'], ({ caller, query }) => listRecords(caller, query));
