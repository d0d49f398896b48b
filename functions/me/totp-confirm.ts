import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { confirmTotp } from '../../shared/services/factors.ts';

export const handler = defineHandler(meRoutes['me.totpConfirm'], ({ caller, body, sourceIp, header }) =>
  confirmTotp(caller, body.code, { sourceIp, userAgent: header('user-agent') }),
);
