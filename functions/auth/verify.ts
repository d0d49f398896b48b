import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { verifyEmail } from '../../shared/services/accounts.ts';

export const handler = defineHandler(authRoutes['auth.verify'], ({ body, sourceIp, header }) =>
  verifyEmail(body, { sourceIp, userAgent: header('user-agent') }),
);
