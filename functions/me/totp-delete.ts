import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { removeTotp } from '../../shared/services/factors.ts';

export const handler = defineHandler(meRoutes['me.totpDelete'], ({ caller, body, sourceIp, header }) =>
  removeTotp(caller, body, { sourceIp, userAgent: header('user-agent') }),
);
