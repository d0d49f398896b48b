import { defineHandler } from '../../shared/http/handler.ts';
import { recordsRoutes } from '../../shared/routes/records.ts';
import { createRecord } from '../../shared/services/records.ts';

export const handler = defineHandler(recordsRoutes['records.create'], ({ caller, body }) => createRecord(caller, body));
