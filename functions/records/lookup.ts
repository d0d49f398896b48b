import { defineHandler } from '../../shared/http/handler.ts';
import { recordsRoutes } from '../../shared/routes/records.ts';
import { lookupRecords } from '../../shared/services/records.ts';

export const handler = defineHandler(recordsRoutes['records.lookup'], ({ caller, body, query }) => lookupRecords(caller, body.phone, query));
