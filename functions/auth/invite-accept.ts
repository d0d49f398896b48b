import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { acceptInvitation } from '../../shared/services/users.ts';

export const handler = defineHandler(authRoutes['auth.acceptInvite'], ({ body, sourceIp, header }) =>
  acceptInvitation(body.token, body.password, { sourceIp, userAgent: header('user-agent') }),
);
