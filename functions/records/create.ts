import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { createRecord } from '../../shared/services/records.ts';

export const handler = defineHandler(routes['records.create'], ({ caller, body }) => createRecord(caller, body));
