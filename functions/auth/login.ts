import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { login } from '../../shared/services/accounts.ts';

export const handler = defineHandler(routes['auth.login'], ({ body, sourceIp }) => login(body, sourceIp));
