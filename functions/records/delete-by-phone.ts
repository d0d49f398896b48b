import { defineHandler } from '../../shared/http/handler.ts';
import { recordsRoutes } from '../../shared/routes/records.ts';
import { deleteRecordsByPhone } from '../../shared/services/records.ts';

export const handler = defineHandler(recordsRoutes['records.deleteByPhone'], ({ caller, body }) => deleteRecordsByPhone(caller, body.phone));
