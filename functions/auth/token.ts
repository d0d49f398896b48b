import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { refresh } from '../../shared/services/accounts.ts';

export const handler = defineHandler(routes['auth.token'], ({ body }) => refresh(body.refresh_token));
