import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { listSessions } from '../../shared/services/accounts.ts';

export const handler = defineHandler(routes['me.sessions'], ({ caller, query }) => listSessions(caller, query));
