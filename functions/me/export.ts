import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { exportAccount } from '../../shared/services/privacy.ts';

export const handler = defineHandler(meRoutes['me.export'], ({ caller }) => exportAccount(caller));
