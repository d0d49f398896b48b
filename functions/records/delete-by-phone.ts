import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { deleteRecordsByPhone } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.deleteByPhone'], ({ caller, body }) => deleteRecordsByPhone(caller, body.phone));
