import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { cancelEmailChange } from '../../shared/services/email-change.ts';

export const handler = defineHandler(authRoutes['auth.cancelEmail'], ({ body, sourceIp, header }) =>
  cancelEmailChange(body.token, { sourceIp, userAgent: header('user-agent') }),
);
