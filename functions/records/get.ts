import { defineHandler } from '../../shared/http/handler.ts';
import { recordsRoutes } from '../../shared/routes/records.ts';
import { getRecord } from '../../shared/services/records.ts';

export const handler = defineHandler(recordsRoutes['records.get'], ({ caller, params }) => getRecord(caller, params.id));
