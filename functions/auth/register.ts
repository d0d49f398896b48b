import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { register } from '../../shared/services/accounts.ts';

export const handler = defineHandler(routes['auth.register'], ({ body }) => register(body));
