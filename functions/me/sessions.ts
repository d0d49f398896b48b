import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { listSessions } from '../../shared/services/accounts.ts';

export const handler = defineHandler(meRoutes['me.sessions'], ({ caller, query }) => listSessions(caller, query));
