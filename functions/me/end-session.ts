import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { endSession } from '../../shared/services/accounts.ts';

export const handler = defineHandler(meRoutes['me.endSession'], ({ caller, params, body, sourceIp, header }) =>
  endSession(caller, params.id, body, { sourceIp, userAgent: header('user-agent') }),
);
