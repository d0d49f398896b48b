import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { login } from '../../shared/services/accounts.ts';

export const handler = defineHandler(authRoutes['auth.login'], ({ body, sourceIp, header }) => login(body, { sourceIp, userAgent: header('user-agent') }));
