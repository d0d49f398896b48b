import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { registerPasskey } from '../../shared/services/passkeys.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.register'], ({ caller, body }) => registerPasskey(caller, body));
