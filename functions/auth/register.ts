import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { register } from '../../shared/services/accounts.ts';

export const handler = defineHandler(authRoutes['auth.register'], ({ body, sourceIp, header }) =>
  register(body, { sourceIp, userAgent: header('user-agent') }),
);
