import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { deleteRecord } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.delete'], ({ caller, params }) => deleteRecord(caller, params.id));
