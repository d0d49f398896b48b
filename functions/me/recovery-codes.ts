import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { regenerateRecoveryCodes } from '../../shared/services/factors.ts';

export const handler = defineHandler(meRoutes['me.recoveryCodes'], ({ caller, body, sourceIp, header }) =>
  regenerateRecoveryCodes(caller, body, { sourceIp, userAgent: header('user-agent') }),
);
