import { defineHandler } from '../../shared/http/handler.ts';
import { meRoutes } from '../../shared/routes/me.ts';
import { getUser } from '../../shared/services/users.ts';

export const handler = defineHandler(meRoutes['me.get'], ({ caller }) => getUser(caller, caller.id));
