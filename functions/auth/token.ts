import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { refresh } from '../../shared/services/accounts.ts';

export const handler = defineHandler(authRoutes['auth.token'], ({ body }) => refresh(body.refresh_token));
