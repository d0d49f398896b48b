import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { exportAccount } from '../../shared/services/privacy.ts';

export const handler = defineHandler(routes['me.export'], ({ caller }) => exportAccount(caller));
