import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { confirmTotp } from '../../shared/services/factors.ts';

export const handler = defineHandler(meRoutes['me.totpConfirm'], ({ caller, body }) => confirmTotp(caller, body.code));
