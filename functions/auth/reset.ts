import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { resetPassword } from '../../shared/services/recovery.ts';

export const handler = defineHandler(authRoutes['auth.reset'], ({ body, sourceIp, header }) =>
  resetPassword(body.token, body.password, { sourceIp, userAgent: header('user-agent') }),
);
