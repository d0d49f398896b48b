import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { confirmEmail } from '../../shared/services/email-change.ts';

export const handler = defineHandler(authRoutes['auth.confirmEmail'], ({ body, sourceIp, header }) =>
  confirmEmail(body, { sourceIp, userAgent: header('user-agent') }),
);
