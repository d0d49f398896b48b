import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { getRecord } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.get'], ({ caller, params }) => getRecord(caller, params.id));
