import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { logout } from '../../shared/services/accounts.ts';

export const handler = defineHandler(authRoutes['auth.logout'], ({ caller, sourceIp, header }) =>
  logout(caller, { sourceIp, userAgent: header('user-agent') }),
);
