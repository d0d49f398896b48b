import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { removePasskey } from '../../shared/services/passkeys.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.remove'], ({ caller, params, body, sourceIp, header }) =>
  removePasskey(caller, params.id, body, { sourceIp, userAgent: header('user-agent') }),
);
