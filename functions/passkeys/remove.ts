import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { removePasskey } from '../../shared/services/passkeys.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.remove'], ({ caller, params, body, sourceIp }) =>
  removePasskey(caller, params.id, body, sourceIp),
);
