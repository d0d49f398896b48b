import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { deleteRecordByPhone } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.deleteByPhone'], ({ body }) => deleteRecordByPhone(body.phone));
