import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { lookupRecords } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.lookup'], ({ caller, body, query }) => lookupRecords(caller, body.phone, query));
