import { defineHandler } from '../../shared/http/handler.ts';
import { recordsRoutes } from '../../shared/routes/records.ts';
import { listRecords } from '../../shared/services/records.ts';

export const handler = defineHandler(recordsRoutes['records.list'], ({ caller, query }) => listRecords(caller, query));
