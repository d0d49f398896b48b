import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { lookupRecord } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.lookup'], ({ caller, body }) => lookupRecord(caller, body.phone));
