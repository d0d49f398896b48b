import { defineHandler } from '../../shared/http/handler.ts';
import { recordsRoutes } from '../../shared/routes/records.ts';
import { deleteRecord } from '../../shared/services/records.ts';

export const handler = defineHandler(recordsRoutes['records.delete'], ({ caller, params }) => deleteRecord(caller, params.id));
