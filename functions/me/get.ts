import { defineHandler } from '../../shared/http/handler.ts';
import { routes } from '../../shared/routes.ts';
import { getUser } from '../../shared/services/users.ts';

export const handler = defineHandler(routes['me.get'], ({ caller }) => getUser(caller, caller.id));
