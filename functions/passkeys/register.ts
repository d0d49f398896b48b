import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { registerPasskey } from '../../shared/services/passkeys.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.register'], ({ caller, body, sourceIp, header }) =>
  registerPasskey(caller, body, { sourceIp, userAgent: header('user-agent') }),
);
