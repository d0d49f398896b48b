import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { renamePasskey } from '../../shared/services/passkeys.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.rename'], ({ caller, params, body }) => renamePasskey(caller, params.id, body.name));
