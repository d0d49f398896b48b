import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { loginMfa } from '../../shared/services/accounts.ts';

export const handler = defineHandler(authRoutes['auth.loginMfa'], ({ body, sourceIp, header }) =>
  loginMfa(body, { sourceIp, userAgent: header('user-agent') }),
);
