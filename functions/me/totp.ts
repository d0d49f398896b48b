import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { totpStatus } from '../../shared/services/factor-status.ts';

export const handler = defineHandler(meRoutes['me.totp'], ({ caller }) => totpStatus(caller));
