import { defineHandler } from '../../shared/http/handler.ts';
import { authRoutes } from '../../shared/routes/auth.ts';
import { undoFactorChange } from '../../shared/services/factor-undo.ts';

export const handler = defineHandler(authRoutes['auth.undoFactor'], ({ body, sourceIp, header }) =>
  undoFactorChange(body.token, { sourceIp, userAgent: header('user-agent') }),
);
