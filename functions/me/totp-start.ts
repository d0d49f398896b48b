import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { startTotp } from '../../shared/services/factors.ts';

export const handler = defineHandler(meRoutes['me.totpStart'], ({ caller, body, sourceIp }) => startTotp(caller, body, sourceIp));
