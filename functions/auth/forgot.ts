import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { forgotPassword } from '../../shared/services/recovery.ts';

export const handler = defineHandler(authRoutes['auth.forgot'], ({ body, sourceIp }) => forgotPassword(body.email, sourceIp));
