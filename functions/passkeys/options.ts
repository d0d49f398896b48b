import { defineHandler } from '../../shared/http/handler.ts';
import { passkeysRoutes } from '../../shared/routes/passkeys.ts';
import { registrationOptions } from '../../shared/services/passkeys.ts';

export const handler = defineHandler(passkeysRoutes['passkeys.options'], ({ caller, body, sourceIp }) => registrationOptions(caller, body, sourceIp));
