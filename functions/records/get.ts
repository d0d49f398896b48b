import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { getRecord } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.get'], ({ params }) => getRecord(params.id));
